import {
  createPostbus,
  fromClient,
  fromPool,
  migrate,
  type Postbus,
  type PostbusStatus,
  readStatus,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase, withClient } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const status = (countCap?: number) => readStatus(fromPool(pool), countCap === undefined ? {} : { countCap });
const groupOf = (result: PostbusStatus, group: string) => result.groups.find((g) => g.group === group);

describe("readStatus", () => {
  it("reports a group's cursor and its lag in events and in seconds, deliverable or not", async () => {
    const handled = await bus.publishMany([1, 2, 3].map((n) => ({ type: "st.lag", data: n })));
    await deliverable(pool);
    await bus.drain({ group: "lagging", channels: "st.lag", handler: () => {} });
    // Four more, the first written 90 s ago by a plain ADR insert; not yet handled.
    await pool.query(
      `INSERT INTO events (channel, data, created_at) VALUES ('st.lag', '{"event_type":"st.lag","data":4}', now() - interval '90 seconds')`,
    );
    await bus.publishMany([5, 6, 7].map((n) => ({ type: "st.lag", data: n })));

    const result = await status();
    const group = groupOf(result, "lagging");
    expect(group?.channels).toEqual([
      {
        channel: "st.lag",
        position: handled[2]!.position,
        lagEvents: 4,
        lagCapped: false,
        lagSeconds: expect.any(Number),
      },
    ]);
    expect(group!.channels[0]!.lagSeconds).toBeGreaterThanOrEqual(89);
    expect(group!.channels[0]!.lagSeconds).toBeLessThan(300);
    expect(group?.lastActiveAt).toBeInstanceOf(Date);
    expect(group?.failing).toBeNull();

    const capped = groupOf(await status(2), "lagging")!.channels[0]!;
    expect(capped).toMatchObject({ lagEvents: 2, lagCapped: true });

    await deliverable(pool);
    await bus.drain({ group: "lagging", channels: "st.lag", handler: () => {} });
    expect(groupOf(await status(), "lagging")?.channels[0]).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
  });

  it("shows the event a group keeps failing on, with its attempts, error and retry time", async () => {
    const poison = await bus.publish("st.failing", { poison: true });
    await deliverable(pool);
    const subscription = bus.subscribe({
      group: "failing",
      channels: "st.failing",
      retryDelayMs: () => 60_000,
      handler: () => {
        throw new Error("cannot handle it");
      },
    });
    const result = await eventually(status, (s) => groupOf(s, "failing")?.failing != null);
    await subscription.close();
    const failing = groupOf(result, "failing")?.failing;
    expect(failing).toEqual({
      position: poison.position,
      attempts: 1,
      lastError: "Error: cannot handle it",
      retryAt: expect.any(Date),
    });
    expect(failing!.retryAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(groupOf(result, "failing")?.channels[0]).toMatchObject({ lagEvents: 1 });
  });

  it("counts a group's dead letters by status", async () => {
    await bus.publishMany([1, 2].map((n) => ({ type: "st.dead", data: n })));
    await deliverable(pool);
    let cured = false;
    const options = {
      group: "dead-ends",
      channels: "st.dead",
      maxAttempts: 1,
      handler: () => {
        if (!cured) throw new Error("no");
      },
    };
    await bus.drain(options);
    expect(groupOf(await status(), "dead-ends")?.deadLetters).toEqual({ dead: 2, redrive: 0, redriven: 0 });
    await pool.query(
      "UPDATE postbus_dead_letters SET status = 'redrive' WHERE id = (SELECT min(id) FROM postbus_dead_letters WHERE group_name = 'dead-ends')",
    );
    expect(groupOf(await status(), "dead-ends")?.deadLetters).toEqual({ dead: 1, redrive: 1, redriven: 0 });
    cured = true;
    await bus.drain(options);
    const result = await status();
    expect(groupOf(result, "dead-ends")?.deadLetters).toEqual({ dead: 1, redrive: 0, redriven: 1 });
    expect(result.table.deadLetters).toBeGreaterThanOrEqual(2);
  });

  it("counts each channel's events, capped, and sizes the table", async () => {
    await bus.publishMany([
      ...[1, 2, 3].map((n) => ({ type: "st.count-a", data: n })),
      { type: "st.count-b", data: 1 },
    ]);
    const last = await bus.publish("st.count-b", 2);
    const result = await status();
    const byName = new Map(result.channels.map((channel) => [channel.channel, channel]));
    expect(byName.get("st.count-a")).toMatchObject({ events: 3, eventsCapped: false });
    expect(byName.get("st.count-b")).toEqual({
      channel: "st.count-b",
      events: 2,
      eventsCapped: false,
      lastEventAt: last.createdAt,
    });
    expect(result.channels.map((channel) => channel.channel)).toEqual(
      [...byName.keys()].sort((a, b) => (a < b ? -1 : 1)),
    );
    expect(result.table.events).toBe(result.channels.reduce((sum, channel) => sum + channel.events, 0));
    expect(result.table.eventsCapped).toBe(false);
    expect(result.table.totalBytes).toBeGreaterThan(0);
    expect(result.server.version).toMatch(/^\d+/);
    expect(result.server.readHorizon).toMatch(/^\d+$/);

    const capped = await status(2);
    expect(capped.channels.find((channel) => channel.channel === "st.count-a")).toMatchObject({
      events: 2,
      eventsCapped: true,
    });
    expect(capped.table.eventsCapped).toBe(true);
  });

  it("names a transaction that holds delivery back, with its pid, and forgets it once it ends", async () => {
    await withClient(db.url, async (client) => {
      await client.query("BEGIN");
      const { rows } = await client.query(
        "SELECT pg_backend_pid() AS pid, pg_current_xact_id()::text AS xid8, pg_current_xact_id()::xid::text AS xid",
      );
      const { pid, xid8, xid } = rows[0];
      await client.query(`INSERT INTO events (channel, data) VALUES ('st.held', '{"held":true}')`);
      try {
        // The horizon is server-wide: another test file's transaction may be older for a moment.
        const result = await eventually(status, (s) => s.holdingBack.some((tx) => tx.pid === pid));
        const holder = result.holdingBack.find((tx) => tx.pid === pid);
        expect(holder).toEqual({
          pid,
          database: db.name,
          applicationName: expect.any(String),
          state: "idle in transaction",
          xactStart: expect.any(Date),
          ageSeconds: expect.any(Number),
          backendXid: xid,
          query: expect.stringContaining("INSERT INTO events"),
        });
        expect(result.holdingBack[0]).toEqual(holder); // the oldest comes first
        expect(result.server.readHorizon).toBe(xid8);
      } finally {
        await client.query("ROLLBACK");
      }
      const after = await eventually(status, (s) => !s.holdingBack.some((tx) => tx.pid === pid));
      expect(after.holdingBack.map((tx) => tx.pid)).not.toContain(pid);
    });
  });

  it("does not blame a read-only transaction, whose snapshot does not hold the horizon", async () => {
    await withClient(db.url, async (client) => {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const { rows } = await client.query("SELECT pg_backend_pid() AS pid, count(*) FROM events");
      try {
        // A write elsewhere, then a status: the reader's old snapshot is older than that write.
        await bus.publish("st.readonly", 1);
        const result = await status();
        expect(result.holdingBack.map((tx) => tx.pid)).not.toContain(rows[0].pid);
      } finally {
        await client.query("ROLLBACK");
      }
    });
  });

  it("reads through a single client as well as a pool", async () => {
    const result = await withClient(db.url, (client) => readStatus(fromClient(client)));
    expect(result.groups.map((group) => group.group)).toContain("lagging");
  });

  it("rejects a bad schema or count cap before touching the database", async () => {
    await expect(readStatus(fromPool(pool), { schema: "Bad Schema" })).rejects.toMatchObject({
      code: "POSTBUS_NAME_INVALID",
    });
    await expect(readStatus(fromPool(pool), { countCap: 0 })).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
    });
  });

  it("says to migrate when the tables are missing", async () => {
    await expect(readStatus(fromPool(pool), { schema: "nowhere" })).rejects.toMatchObject({
      code: "POSTBUS_NOT_MIGRATED",
    });
  });
});
