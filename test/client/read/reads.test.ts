import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

describe("getLatestEvents", () => {
  it("returns the newest events of one channel first, up to the limit (default 10)", async () => {
    await bus.publishMany(Array.from({ length: 15 }, (_, n) => ({ type: "tick", data: { n } })));
    await bus.publish("other", { n: 99 });
    const latest = await bus.getLatestEvents("tick", { limit: 3 });
    expect(latest.map((event) => event.data)).toEqual([{ n: 14 }, { n: 13 }, { n: 12 }]);
    expect(await bus.getLatestEvents("tick")).toHaveLength(10);
    expect(await bus.getLatestEvents("nothing.here")).toEqual([]);
  });
});

describe("readEvents", () => {
  it("replays several channels in delivery order, page by page, with nothing missed or repeated", async () => {
    const written = await bus.publishMany(
      Array.from({ length: 37 }, (_, n) => ({ type: n % 3 === 0 ? "replay.a" : "replay.b", data: { n } })),
    );
    await bus.publish("replay.c", { ignored: true });
    await deliverable(pool);
    const seen: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await bus.readEvents(["replay.a", "replay.b"], { limit: 5, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((event) => event.id));
      after = page.at(-1)!.position;
    }
    expect(seen).toEqual(written.map((event) => event.id));
  });

  it("replays one channel (its own statement: one index range, no merge) page by page, as the several-channel read does", async () => {
    const written = await bus.publishMany(
      Array.from({ length: 23 }, (_, n) => ({ type: n % 2 === 0 ? "single.a" : "single.b", data: { n } })),
    );
    await deliverable(pool);
    const pages = async (channels: string | string[]) => {
      const seen: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await bus.readEvents(channels, { limit: 4, ...(after ? { after } : {}) });
        if (page.length === 0) return seen;
        expect(page.every((event) => event.channel === "single.a")).toBe(true);
        seen.push(...page.map((event) => event.id));
        after = page.at(-1)!.position;
      }
    };
    const expected = written.filter((event) => event.channel === "single.a").map((event) => event.id);
    expect(await pages("single.a")).toEqual(expected);
    expect(await pages(["single.a", "single.a"])).toEqual(expected);
  });

  it("does not return an event whose transaction commits after a later one until it has committed", async () => {
    const early = await pool.connect();
    try {
      await early.query("BEGIN");
      // Takes its id and transaction id first…
      const first = await bus.publish("gap.test", { order: "first" }, { tx: early });
      // …while a later transaction commits straight away.
      const second = await bus.publish("gap.test", { order: "second" });
      expect(second.id).toBeGreaterThan(first.id);

      // A cursor "id > last" would hand out `second` now and never see `first`.
      expect(await bus.readEvents("gap.test")).toEqual([]);

      await early.query("COMMIT");
      await deliverable(pool);
      const events = await bus.readEvents("gap.test");
      expect(events.map((event) => event.data)).toEqual([{ order: "first" }, { order: "second" }]);
    } finally {
      early.release();
    }
  });

  it("orders by transaction first: a transaction's later ids come before a younger transaction's", async () => {
    const older = await pool.connect();
    try {
      await older.query("BEGIN");
      await bus.publish("order.test", { n: "older-1" }, { tx: older });
      await bus.publish("order.test", { n: "younger" });
      await bus.publish("order.test", { n: "older-2" }, { tx: older });
      await older.query("COMMIT");
    } finally {
      older.release();
    }
    await deliverable(pool);
    const events = await bus.readEvents("order.test");
    expect(events.map((event) => event.data)).toEqual([{ n: "older-1" }, { n: "older-2" }, { n: "younger" }]);
    const ids = events.map((event) => event.id);
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
  });

  it("orders transaction ids as numbers, not as text (9 before 10 before 100)", async () => {
    // Explicit small tx values are below every running transaction, so they are deliverable.
    await pool.query(`INSERT INTO events (channel, data, tx) VALUES
      ('xid.order', '{"event_type":"xid.order","data":"tx 100"}', '100'),
      ('xid.order', '{"event_type":"xid.order","data":"tx 9"}', '9'),
      ('xid.order', '{"event_type":"xid.order","data":"tx 10"}', '10')`);
    expect((await bus.readEvents("xid.order")).map((event) => event.data)).toEqual([
      "tx 9",
      "tx 10",
      "tx 100",
    ]);
    expect((await bus.getLatestEvents("xid.order")).map((event) => event.data)).toEqual([
      "tx 100",
      "tx 10",
      "tx 9",
    ]);
    const [, second] = await bus.readEvents("xid.order");
    expect(
      (await bus.readEvents("xid.order", { after: second!.position })).map((event) => event.data),
    ).toEqual(["tx 100"]);
  });

  it("a rolled-back transaction leaves no gap and does not stall reading", async () => {
    const doomed = await pool.connect();
    try {
      await doomed.query("BEGIN");
      await bus.publish("rollback.test", { n: "doomed" }, { tx: doomed });
      await bus.publish("rollback.test", { n: "kept" });
      await doomed.query("ROLLBACK");
    } finally {
      doomed.release();
    }
    await deliverable(pool);
    expect((await bus.readEvents("rollback.test")).map((event) => event.data)).toEqual([{ n: "kept" }]);
  });

  it("reads after a position given by an earlier event", async () => {
    const [a, b, c] = await bus.publishMany([
      { type: "pos.test", data: 1 },
      { type: "pos.test", data: 2 },
      { type: "pos.test", data: 3 },
    ]);
    await deliverable(pool);
    expect((await bus.readEvents("pos.test", { after: a!.position })).map((event) => event.id)).toEqual([
      b!.id,
      c!.id,
    ]);
    expect(await bus.readEvents("pos.test", { after: c!.position })).toEqual([]);
  });
});

describe("created_at", () => {
  it("is read as the instant NOW() wrote, whatever the session time zone", async () => {
    const client = await pool.connect();
    try {
      await client.query("SET TIME ZONE 'America/New_York'");
      const event = await bus.publish("tz.test", {}, { tx: client });
      await deliverable(client);
      const [read] = await bus.readEvents("tz.test", { tx: client });
      expect(Math.abs(event.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(read?.createdAt.getTime()).toBe(event.createdAt.getTime());
    } finally {
      await client.query("RESET TIME ZONE");
      client.release();
    }
  });
});

describe("createdAt", () => {
  it("is created_at in the session's time zone truncated to the millisecond, as node-postgres's own parser reads it, on every path", async () => {
    // Microsecond parts that float arithmetic would round the wrong way (.123000 as 122.99…),
    // a whole second, and the last microsecond of a millisecond; then instants outside 1900–2100,
    // which createdMs computes in numeric.
    const times = [
      "2026-12-03 10:15:30.123",
      "2026-12-03 10:15:31",
      "2026-12-03 10:15:32.999999",
      "1999-12-31 23:59:59.000001",
      "1850-06-01 12:00:00.999999",
      "2150-01-01 00:00:00.123",
      "9999-12-31 23:59:59.999999",
    ];
    const channel = "created.at";
    for (const [n, at] of times.entries()) {
      await pool.query("INSERT INTO events (channel, data, created_at) VALUES ($1, $2, $3::timestamp)", [
        channel,
        { n },
        at,
      ]);
    }
    await deliverable(pool);
    // What node-postgres's timestamptz parser makes of the same instants, in the same session zone.
    const { rows } = await pool.query<{ at: Date }>(
      "SELECT created_at::timestamptz AS at FROM events WHERE channel = $1 ORDER BY id",
      [channel],
    );
    const want = rows.map((row) => row.at.getTime());
    expect(want[0]! % 1000).toBe(123);
    expect(want[2]! % 1000).toBe(999);

    const read = await bus.readEvents([channel], { limit: 10 });
    expect(read.map((event) => event.createdAt.getTime())).toEqual(want);
    const latest = await bus.getLatestEvents(channel, { limit: 10 });
    expect(latest.map((event) => event.createdAt.getTime()).reverse()).toEqual(want);
    // A row without an envelope reads its timestamp from created_at.
    expect(read[0]!.envelope.timestamp).toBe(new Date(want[0]!).toISOString());

    const delivered: number[] = [];
    await bus.drain({
      group: "created-at",
      channels: [channel],
      from: "beginning",
      handler: (event) => {
        delivered.push(event.createdAt.getTime());
      },
    });
    expect(delivered).toEqual(want);

    const published = await bus.publish(channel, { n: 99 });
    const stored = await pool.query<{ at: Date }>(
      "SELECT created_at::timestamptz AS at FROM events WHERE id = $1",
      [published.id],
    );
    expect(published.createdAt.getTime()).toBe(stored.rows[0]!.at.getTime());
  });
});
