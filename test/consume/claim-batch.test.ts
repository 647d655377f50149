import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

// postbus_claim_batch (migration 000006): the group's lease and its next batch in one round trip.
const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const CLAIM =
  "SELECT * FROM public.postbus_claim_batch($1::varchar, $2::int, $3::varchar[], $4::text, $5::text)";

async function drainOnce(group: string, channel: string): Promise<void> {
  await bus.drain({ group, channels: [channel], handler: () => {} });
}

describe("postbus_claim_batch", () => {
  it("returns one row with held = false while another session holds the group's lease", async () => {
    await bus.publishMany([{ type: "claim.busy", data: 1 }]);
    await drainOnce("claim-busy", "claim.busy"); // creates the group
    const holder = await pool.connect();
    const other = await pool.connect();
    try {
      await holder.query("BEGIN");
      const first = await holder.query(CLAIM, [
        "claim-busy",
        10,
        ["claim.busy"],
        '"public".claim-busy',
        "5000ms",
      ]);
      expect(first.rows[0].held).toBe(true);
      await other.query("BEGIN");
      const second = await other.query(CLAIM, [
        "claim-busy",
        10,
        ["claim.busy"],
        '"public".claim-busy',
        "5000ms",
      ]);
      expect(second.rows).toEqual([expect.objectContaining({ held: false, id: null })]);
      await other.query("ROLLBACK");
      await holder.query("ROLLBACK");
    } finally {
      holder.release();
      other.release();
    }
  });

  it("reads the cursor as the previous lease holder committed it, though the claim began before that commit", async () => {
    const lockKey = '"public".claim-order';
    await bus.publishMany([1, 2, 3].map((n) => ({ type: "claim.order", data: n })));
    await deliverable(pool);
    await bus
      .subscribe({ group: "claim-order", channels: "claim.order", from: "beginning", handler: () => {} })
      .close();
    const holder = await pool.connect();
    const waiter = await pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await holder.query(CLAIM, ["claim-order", 10, ["claim.order"], lockKey, "5000ms"]);
      // First the group's state, then its events.
      expect(held.rows[0]).toMatchObject({
        held: true,
        id: null,
        data: { waiting: false, failing_tx: null, failing_attempts: 0, redrive: false },
      });
      const events = held.rows.slice(1);
      expect(events.map((row) => row.held)).toEqual([null, null, null]);
      expect(events.map((row) => row.data.data)).toEqual([1, 2, 3]);
      const last = events.at(-1);
      // The waiter's statement starts now and blocks on a lock the holder takes first; the
      // holder then advances the cursor, commits, and only then lets the waiter go. A plain
      // statement's snapshot would be older. The gate is a session lock released after the
      // commit: a transaction lock would be released by the same COMMIT as the lease, one lock at
      // a time, and the woken waiter could try the lease before the holder had let go of it.
      await holder.query("SELECT pg_advisory_lock(42, 42)");
      await waiter.query("BEGIN");
      const claim = waiter.query(
        // The limit argument waits for the gate, so the function runs once the holder committed.
        "SELECT * FROM public.postbus_claim_batch($1::varchar, (SELECT $2::int FROM (SELECT pg_advisory_xact_lock(42, 42)) AS gate), $3::varchar[], $4::text, $5::text)",
        ["claim-order", 10, ["claim.order"], lockKey, "5000ms"],
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await holder.query(
        "UPDATE postbus_cursors SET tx = $1::xid8, id = $2 WHERE group_name = 'claim-order'",
        [last.tx_text, last.id],
      );
      await holder.query("COMMIT");
      await holder.query("SELECT pg_advisory_unlock(42, 42)");
      const { rows } = await claim;
      expect(rows).toEqual([expect.objectContaining({ held: true, id: null })]);
      await waiter.query("ROLLBACK");
    } finally {
      // Never hand a client back to the pool inside a transaction: a later test would write in it.
      await waiter.query("ROLLBACK").catch(() => {});
      await holder.query("ROLLBACK").catch(() => {});
      await holder.query("SELECT pg_advisory_unlock_all()").catch(() => {});
      holder.release();
      waiter.release();
    }
  });

  it("merges the group's channels in (tx, id) order, each read from its own cursor, up to the limit", async () => {
    await bus.publishMany([
      { type: "claim.a", data: 1 },
      { type: "claim.b", data: 2 },
    ]);
    await bus.publish("claim.b", 3);
    await bus.publish("claim.a", 4);
    await deliverable(pool);
    await bus
      .subscribe({
        group: "claim-merge",
        channels: ["claim.a", "claim.b"],
        from: "beginning",
        handler: () => {},
      })
      .close();
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const all = await client.query(CLAIM, [
        "claim-merge",
        10,
        ["claim.a", "claim.b"],
        '"public".claim-merge',
        "5000ms",
      ]);
      expect(all.rows.slice(1).map((row) => row.data.data)).toEqual([1, 2, 3, 4]);
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      const some = await client.query(CLAIM, [
        "claim-merge",
        3,
        ["claim.a", "claim.b"],
        '"public".claim-merge',
        "5000ms",
      ]);
      expect(some.rows.slice(1).map((row) => row.data.data)).toEqual([1, 2, 3]);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  });

  it("returns no row for a group that does not exist, and names the missing function when not migrated", async () => {
    const { rows } = await pool.query(CLAIM, ["claim-nobody", 10, ["x"], '"public".claim-nobody', "5000ms"]);
    expect(rows).toEqual([]);
    await pool.query("CREATE SCHEMA old_install");
    const old = createPostbus({ db: pool, schema: "old_install" });
    try {
      await expect(old.drain({ group: "g", channels: ["x"], handler: () => {} })).rejects.toMatchObject({
        code: "POSTBUS_NOT_MIGRATED",
      });
    } finally {
      await old.close();
    }
  });
});
