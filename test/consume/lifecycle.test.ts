import { createPostbus, fromPool, migrate, type Postbus, type StandardSchemaV1 } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (event_id int)");
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const cursorOf = async (group: string) =>
  (await pool.query("SELECT id FROM postbus_cursors WHERE group_name = $1", [group])).rows[0]?.id as
    | number
    | undefined;

describe("subscription lifecycle", () => {
  it("close() lets the batch in flight finish and commit, then stops and releases its connections", async () => {
    const published = await bus.publishMany([1, 2, 3].map((n) => ({ type: "life.close", data: { n } })));
    await deliverable(pool);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = 0;
    const subscription = bus.subscribe({
      group: "closer",
      channels: "life.close",
      handler: async (event, { tx }) => {
        entered += 1;
        if (entered === 1) await gate;
        await tx.query("INSERT INTO handled (event_id) VALUES ($1)", [event.id]);
      },
    });
    await eventually(
      async () => entered,
      (n) => n === 1,
    );
    const closing = subscription.close();
    release();
    await closing;
    expect(
      (await pool.query("SELECT event_id FROM handled ORDER BY event_id")).rows.map((row) => row.event_id),
    ).toEqual(published.map((event) => event.id));
    expect(await cursorOf("closer")).toBe(published.at(-1)!.id);
    // Nothing runs any more: a later event stays unhandled.
    await bus.publish("life.close", { n: 4 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(entered).toBe(3);
  });

  it("an AbortSignal stops a subscription like close()", async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    const subscription = bus.subscribe({
      group: "aborter",
      channels: "life.abort",
      signal: controller.signal,
      handler: (event) => void seen.push(event.data),
    });
    await subscription.ready;
    await bus.publish("life.abort", 1);
    await eventually(
      async () => seen.length,
      (n) => n === 1,
    );
    controller.abort();
    await subscription.close();
    await bus.publish("life.abort", 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([1]);
  });

  it("starts a new group after the last event written before a time", async () => {
    await bus.publish("life.time", "before");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await bus.publish("life.time", "after");
    await deliverable(pool);
    const seen: unknown[] = [];
    await bus.drain({
      group: "timed",
      channels: "life.time",
      from: cut,
      handler: (event) => void seen.push(event.data),
    });
    expect(seen).toEqual(["after"]);
  });

  it("retries then dead-letters an event that fails its contract, and moves on", async () => {
    const numberOnly: StandardSchemaV1<{ n: number }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) =>
          typeof (value as { n?: unknown })?.n === "number"
            ? { value: value as { n: number } }
            : { issues: [{ message: "n must be a number", path: ["n"] }] },
      },
    };
    const strict = createPostbus({ db: pool, validators: { "life.typed": numberOnly } });
    try {
      await pool.query(
        `INSERT INTO events (channel, data) VALUES ('life.typed', '{"event_type":"life.typed","data":{"n":"one"}}'),
         ('life.typed', '{"event_type":"life.typed","data":{"n":2}}')`,
      );
      await deliverable(pool);
      const seen: unknown[] = [];
      const stats = await strict.drain({
        group: "typed",
        channels: "life.typed",
        maxAttempts: 2,
        retryDelayMs: () => 5,
        handler: (event) => void seen.push(event.data),
      });
      expect(seen).toEqual([{ n: 2 }]);
      expect(stats.deadLettered).toBe(1);
      const { rows } = await pool.query(
        "SELECT error, attempts FROM postbus_dead_letters WHERE group_name = 'typed'",
      );
      expect(rows).toEqual([{ error: expect.stringContaining("POSTBUS_VALIDATION_FAILED"), attempts: 2 }]);
    } finally {
      await strict.close();
    }
  });

  it("rejects bad subscribe options before touching the database", () => {
    const handler = () => {};
    expect(() => bus.subscribe({ group: "bad group", channels: "x", handler })).toThrow(
      expect.objectContaining({ code: "POSTBUS_NAME_INVALID" }),
    );
    expect(() => bus.subscribe({ group: "g", channels: [], handler })).toThrow(
      expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID", subject: { field: "channels" } }),
    );
    expect(() => bus.subscribe({ group: "g", channels: "x", handler, batchSize: 0 })).toThrow(
      expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID", subject: { field: "batchSize" } }),
    );
    expect(() => bus.subscribe({ group: "g", channels: "x", handler, from: "yesterday" })).toThrow(
      expect.objectContaining({ code: "POSTBUS_POSITION_INVALID" }),
    );
  });
});
