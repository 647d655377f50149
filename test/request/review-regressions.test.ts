import { randomUUID } from "node:crypto";
import {
  createPostbus,
  createTypedPostbus,
  fromPool,
  isPostbusError,
  migrate,
  type Postbus,
  type Subscription,
  type TypedPostbus,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitorStatements } from "../../packages/client/src/sql/monitor-statements.js";
import { useTestDatabase } from "../support/test-database.js";
import { contracts } from "./support/quote-contracts.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: TypedPostbus<typeof contracts>;
let raw: Postbus;
let responder: Subscription;
const WAIT = 20_000;

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
  bus = createTypedPostbus({ db: pool, contracts, producer: "desk" });
  raw = createPostbus({ db: pool, requests: { pollIntervalMs: 100 } });
  responder = bus.respond({
    requestType: "quote.requested",
    pollIntervalMs: 100,
    handler: (request) => {
      if (request.data.symbol === "BOOM") throw new Error("pricing engine down");
      return { symbol: request.data.symbol, quantity: request.data.quantity, price: 1 };
    },
    onError: () => {},
  });
  await responder.ready;
});
afterAll(async () => {
  await responder.close();
  await bus.close();
  await raw.close();
});

const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => "resolved",
    (error: unknown) => (isPostbusError(error) ? error.code : String(error)),
  );

describe("request-response, review regressions", () => {
  it("a second request under an id that is already waiting is refused, and the first still gets its reply", async () => {
    const id = randomUUID();
    const first = bus.request(
      "quote.requested",
      { symbol: "A-B", quantity: 1 },
      { timeoutMs: WAIT, metadata: { event_id: id } },
    );
    const second = outcome(
      bus.request(
        "quote.requested",
        { symbol: "A-B", quantity: 1 },
        { timeoutMs: WAIT, metadata: { event_id: id } },
      ),
    );
    expect(await second).toBe("POSTBUS_OPTIONS_INVALID");
    expect((await first).envelope.metadata.request_id).toBe(id);
    const rows = await pool.query(
      "SELECT count(*)::int AS n FROM events WHERE data->'metadata'->>'event_id' = $1",
      [id],
    );
    expect(rows.rows[0].n).toBe(1);
  });

  it("a request whose handler keeps failing holds the others back only briefly (responders fail fast)", async () => {
    const boom = outcome(
      bus.request("quote.requested", { symbol: "BOOM", quantity: 1 }, { timeoutMs: 3_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const others = await Promise.all(
      ["X-1", "X-2", "X-3"].map((symbol) =>
        outcome(bus.request("quote.requested", { symbol, quantity: 1 }, { timeoutMs: 3_000 })),
      ),
    );
    expect(others).toEqual(["resolved", "resolved", "resolved"]);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await boom).toBe("POSTBUS_REQUEST_TIMEOUT");
    const letters = await bus.listDeadLetters({ group: "quote.requested.responders" });
    expect(letters.map((letter) => letter.attempts)).toEqual([3]);
  });

  it("an event of another type on the request channel that breaks its contract does not hold requests back", async () => {
    await pool.query("INSERT INTO events (channel, data) VALUES ('quote-requests', $1)", [
      { event_type: "tick", timestamp: new Date().toISOString(), data: { n: "not a number" }, metadata: {} },
    ]);
    expect(
      await outcome(bus.request("quote.requested", { symbol: "Y-1", quantity: 1 }, { timeoutMs: 5_000 })),
    ).toBe("resolved");
    const letters = await bus.listDeadLetters({ group: "quote.requested.responders" });
    expect(letters.every((letter) => letter.data.event_type !== "tick")).toBe(true);
  });

  it("a typed request refuses a reply of a type its contract does not name", async () => {
    const id = randomUUID();
    await pool.query("INSERT INTO events (channel, data) VALUES ('quotes', $1)", [
      {
        event_type: "tick",
        timestamp: new Date().toISOString(),
        data: { n: 7 },
        metadata: { request_id: id },
      },
    ]);
    const error = await bus
      .request(
        "quote.requested",
        { symbol: "Z-1", quantity: 1 },
        { timeoutMs: WAIT, metadata: { event_id: id } },
      )
      .catch((caught: unknown) => caught);
    expect(isPostbusError(error, "POSTBUS_REPLY_UNEXPECTED")).toBe(true);
    expect((error as Error).message).toContain('"tick"');
    expect((error as Error).message).toContain(id);
  });

  it("the timeout holds even when the pool has no connection to spare", async () => {
    const small = db.pool({ max: 1 });
    const client = await small.connect();
    const starved = createPostbus({ db: small, listen: false });
    try {
      const started = Date.now();
      const code = await outcome(starved.request("starved.requested", {}, { timeoutMs: 300 }));
      expect(code).toBe("POSTBUS_REQUEST_TIMEOUT");
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      client.release();
      await starved.close();
      await small.end();
    }
  });

  it("reply lookups and the status use the request-response indexes on a large table", async () => {
    await pool.query(`INSERT INTO events (channel, data)
      SELECT 'bulk-' || (n % 20), jsonb_build_object('event_type', 'bulk', 'timestamp', now(), 'data', jsonb_build_object('n', n), 'metadata', '{}'::jsonb)
      FROM generate_series(1, 30000) AS n`);
    await pool.query(`INSERT INTO events (channel, data)
      SELECT 'quotes', jsonb_build_object('event_type', 'quote.given', 'timestamp', now(), 'data', '{}'::jsonb,
        'metadata', jsonb_build_object('request_id', md5(n::text)))
      FROM generate_series(1, 3000) AS n`);
    await pool.query("ANALYZE events");
    const plan = async (sql: string, values: unknown[]) =>
      JSON.stringify((await pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, values)).rows[0]["QUERY PLAN"]);
    const ids = Array.from({ length: 500 }, (_, n) => md5Like(n));
    const lookup = await plan(
      "SELECT e.id FROM events AS e WHERE ((e.data -> 'metadata') ->> 'request_id') = ANY($1::text[]) ORDER BY e.id",
      [ids],
    );
    expect(lookup).toContain("events_reply_request_id_idx");
    expect(lookup).not.toContain("Seq Scan");
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM events");
    expect(rows[0].n).toBeGreaterThan(33_000);
    const statusPlan = await plan(
      monitorStatements('"public"').requests.replace("LIMIT $1", "LIMIT 1000"),
      [],
    );
    expect(statusPlan).toContain("events_request_id_idx");
    expect(statusPlan).toContain("events_reply_request_id_idx");
    expect(statusPlan).not.toContain("Seq Scan");
    const status = await raw.status({ requestWindow: 1000 });
    expect(status.requests.length).toBeGreaterThan(0);
  });
});

function md5Like(n: number): string {
  return n.toString(16).padStart(32, "0");
}
