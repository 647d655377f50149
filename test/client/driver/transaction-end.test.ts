import type { TransactionOutcome } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchTransactionEnd } from "../../../packages/client/src/driver/transaction-end.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(async () => {
  pool = db.pool();
  await pool.query(
    "CREATE TABLE t (id int PRIMARY KEY, parent int REFERENCES t (id) DEFERRABLE INITIALLY DEFERRED)",
  );
});
afterAll(async () => {
  await pool.query("DROP TABLE t");
});

/** On a pooled client: BEGIN, a write, two watches, then `end` (the statements that end it); the outcomes reported. */
async function outcomeOf(end: (client: pg.PoolClient) => Promise<unknown>): Promise<TransactionOutcome[]> {
  const client = await pool.connect();
  const seen: TransactionOutcome[] = [];
  try {
    await client.query("BEGIN");
    await client.query("INSERT INTO t (id) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM t))");
    expect(watchTransactionEnd(client, (outcome) => seen.push(outcome))).toBe(true);
    expect(watchTransactionEnd(client, (outcome) => seen.push(outcome))).toBe(true);
    await client.query("SELECT 1"); // still inside: nothing reported
    expect(seen).toEqual([]);
    await end(client).catch(() => undefined);
    // A failed statement rejects on its ErrorResponse, before the ReadyForQuery that follows it.
    const deadline = Date.now() + 1_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return seen;
  } finally {
    client.release();
  }
}

describe("watchTransactionEnd", () => {
  it("reports COMMIT as committed, to every callback, once", async () => {
    expect(await outcomeOf((client) => client.query("COMMIT"))).toEqual(["committed", "committed"]);
  });

  it("reports COMMIT AND CHAIN as committed (the chained transaction is a new one)", async () => {
    expect(
      await outcomeOf(async (client) => {
        await client.query("COMMIT AND CHAIN");
        await client.query("ROLLBACK");
      }),
    ).toEqual(["committed", "committed"]);
  });

  it("reports COMMIT sent with more statements in one simple query as committed", async () => {
    expect(await outcomeOf((client) => client.query("COMMIT; SELECT 1"))).toEqual(["committed", "committed"]);
  });

  it("reports ROLLBACK as rolled back", async () => {
    expect(await outcomeOf((client) => client.query("ROLLBACK"))).toEqual(["rolled-back", "rolled-back"]);
  });

  it("reports a COMMIT that fails (a deferred constraint) as rolled back", async () => {
    const seen = await outcomeOf(async (client) => {
      await client.query("INSERT INTO t (id, parent) VALUES (1000, 999999)");
      await client.query("COMMIT");
    });
    expect(seen).toEqual(["rolled-back", "rolled-back"]);
  });

  it("reports COMMIT of a failed block (PostgreSQL answers ROLLBACK) as rolled back, not at the failure", async () => {
    const client = await pool.connect();
    const seen: TransactionOutcome[] = [];
    try {
      await client.query("BEGIN");
      expect(watchTransactionEnd(client, (outcome) => seen.push(outcome))).toBe(true);
      await expect(client.query("SELECT 1/0")).rejects.toThrow();
      expect(seen).toEqual([]);
      await client.query("COMMIT");
      expect(seen).toEqual(["rolled-back"]);
    } finally {
      client.release();
    }
  });

  it("reports a connection that ends inside the transaction as unknown", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    client.on("error", () => undefined);
    const seen: TransactionOutcome[] = [];
    await client.query("BEGIN");
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    expect(watchTransactionEnd(client, (outcome) => seen.push(outcome))).toBe(true);
    await pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    const deadline = Date.now() + 3_000;
    while (seen.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(["unknown"]);
    await client.end().catch(() => undefined);
  });

  it("removes its listeners when the transaction ends, and watches the next one afresh", async () => {
    const client = await pool.connect();
    try {
      const before = client.connection.listenerCount("readyForQuery");
      await client.query("BEGIN");
      const seen: TransactionOutcome[] = [];
      watchTransactionEnd(client, (outcome) => seen.push(outcome));
      expect(client.connection.listenerCount("readyForQuery")).toBe(before + 1);
      await client.query("COMMIT");
      expect(client.connection.listenerCount("readyForQuery")).toBe(before);
      await client.query("BEGIN");
      watchTransactionEnd(client, (outcome) => seen.push(outcome));
      await client.query("ROLLBACK");
      expect(seen).toEqual(["committed", "rolled-back"]);
    } finally {
      client.release();
    }
  });

  it("declines outside a transaction block, and for what is not a node-postgres client", async () => {
    const client = await pool.connect();
    try {
      await client.query("SELECT 1");
      expect(watchTransactionEnd(client, () => undefined)).toBe(false);
    } finally {
      client.release();
    }
    expect(watchTransactionEnd({ query: async () => ({ rows: [] }) }, () => undefined)).toBe(false);
    expect(watchTransactionEnd(null, () => undefined)).toBe(false);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no");
        },
      },
    );
    expect(watchTransactionEnd(hostile, () => undefined)).toBe(false);
  });
});
