import { createPostbus, fromPool, migrate, type Postbus, type StoredEvent } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, listen: false });
});
afterAll(() => bus.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drained(group: string, channel: string, from: Date | "now"): Promise<number[]> {
  const seen: StoredEvent[] = [];
  await bus.drain({ group, channels: [channel], from, handler: (event) => void seen.push(event) });
  return seen.map((event) => (event.data as { n: number }).n);
}

describe("where a new group starts", () => {
  it("from: Date does not skip an event written after the date whose transaction took its id before one that began earlier", async () => {
    await bus.publish("sp.date", { n: 0 }); // written well before the date
    const early = await pool.connect();
    try {
      await early.query("BEGIN");
      await early.query("SELECT now()"); // created_at of its rows: before the date; no xid yet
      await sleep(30);
      const date = new Date();
      await sleep(30);
      await bus.publish("sp.date", { n: 1 }); // written after the date: takes an xid first
      await early.query(
        `INSERT INTO events (channel, data) VALUES ('sp.date', '{"event_type":"sp.date","timestamp":"x","data":{"n":2},"metadata":{}}')`,
      ); // written before the date (its transaction began earlier), but a later xid
      await early.query("COMMIT");
      await deliverable(pool);
      const seen = await drained("from-date", "sp.date", date);
      // The old rule started after the last event written before the date — n 2 — and skipped n 1.
      expect(seen).toEqual([1, 2]);
    } finally {
      early.release();
    }
  });

  it("from: Date in the future, or after every event, starts at the horizon and delivers what comes", async () => {
    await bus.publish("sp.future", { n: 1 });
    await deliverable(pool);
    expect(await drained("from-future", "sp.future", new Date(Date.now() + 60_000))).toEqual([]);
    await bus.publish("sp.future", { n: 2 });
    await deliverable(pool);
    expect(await drained("from-future", "sp.future", new Date())).toEqual([2]);
  });

  it('from: "now" skips what is below the horizon and, as documented, delivers what committed behind a transaction still open', async () => {
    await bus.publish("sp.now", { n: 0 });
    await deliverable(pool);
    const open = await pool.connect();
    try {
      await open.query("BEGIN");
      await open.query("SELECT pg_current_xact_id()"); // holds the horizon
      await bus.publish("sp.now", { n: 1 }); // committed before the subscribe, behind the open transaction
      await bus.drain({ group: "from-now", channels: ["sp.now"], from: "now", handler: () => {} });
      await open.query("COMMIT");
    } finally {
      open.release();
    }
    await deliverable(pool);
    expect(await drained("from-now", "sp.now", "now")).toEqual([1]);
  });
});
