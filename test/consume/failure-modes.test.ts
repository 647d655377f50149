import { getEventListeners } from "node:events";
import {
  type ConsumerContext,
  createPostbus,
  fromPool,
  migrate,
  type Postbus,
  type StandardSchemaV1,
  type StoredEvent,
} from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 16 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (group_name text, event_id int, UNIQUE (group_name, event_id))");
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const committedIds = async (group: string) =>
  (
    await pool.query("SELECT event_id FROM handled WHERE group_name = $1 ORDER BY event_id", [group])
  ).rows.map((row) => row.event_id as number);
const record =
  (group: string) =>
  async (event: StoredEvent, { tx }: ConsumerContext) => {
    await tx.query("INSERT INTO handled (group_name, event_id) VALUES ($1, $2)", [group, event.id]);
  };

describe("consumer failure modes", () => {
  it("survives the server ending the batch's connection while a handler works, and handles the event again", async () => {
    const [event] = await bus.publishMany([{ type: "fm.killed", data: 1 }]);
    await deliverable(pool);
    let calls = 0;
    const errors: unknown[] = [];
    const subscription = bus.subscribe({
      group: "fm-killed",
      channels: "fm.killed",
      pollIntervalMs: 100,
      onError: (error) => errors.push(error),
      handler: async (stored, context) => {
        calls += 1;
        if (calls === 1) {
          const { rows } = await context.tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          await pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 200)); // non-database work meanwhile
        }
        await record("fm-killed")(stored, context);
      },
    });
    await eventually(
      () => committedIds("fm-killed"),
      (ids) => ids.length === 1,
      10_000,
    );
    await subscription.close();
    expect(await committedIds("fm-killed")).toEqual([event!.id]);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeGreaterThan(0);
  });

  it("delivers to each member only the channels it subscribed to, even within one group", async () => {
    await bus.publishMany([
      { type: "fm.a", data: "a" },
      { type: "fm.b", data: "b" },
    ]);
    await deliverable(pool);
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    await bus.drain({ group: "fm-split", channels: "fm.a", handler: (event) => void onA.push(event.data) });
    await bus.drain({ group: "fm-split", channels: "fm.b", handler: (event) => void onB.push(event.data) });
    expect(onA).toEqual(["a"]);
    expect(onB).toEqual(["b"]);
  });

  it("counts a statement that failed inside a handler against its event even when the handler caught it", async () => {
    const [first, second] = await bus.publishMany([
      { type: "fm.swallow", data: 1 },
      { type: "fm.swallow", data: 2 },
    ]);
    await pool.query("INSERT INTO handled (group_name, event_id) VALUES ('fm-swallow', $1)", [first!.id]);
    await deliverable(pool);
    let attemptsOnFirst = 0;
    const stats = await bus.drain({
      group: "fm-swallow",
      channels: "fm.swallow",
      maxAttempts: 3,
      retryDelayMs: () => 5,
      handler: async (event, { tx }) => {
        if (event.id === first!.id) attemptsOnFirst += 1;
        try {
          await tx.query("INSERT INTO handled (group_name, event_id) VALUES ('fm-swallow', $1)", [event.id]);
        } catch {
          // "ignore duplicates" — but the transaction is aborted now
        }
      },
    });
    expect(attemptsOnFirst).toBe(3);
    expect(stats.deadLettered).toBe(1);
    const { rows } = await pool.query(
      "SELECT event_id, error FROM postbus_dead_letters WHERE group_name = 'fm-swallow'",
    );
    expect(rows).toEqual([{ event_id: first!.id, error: expect.stringContaining("23505") }]);
    expect(await committedIds("fm-swallow")).toEqual([first!.id, second!.id]);
  });

  it("several members of one group run a poison handler exactly maxAttempts times in all, and dead-letter nothing else", async () => {
    const events = await bus.publishMany(
      Array.from({ length: 40 }, (_, n) => ({ type: "fm.poison", data: { n, poison: n === 17 } })),
    );
    await deliverable(pool);
    let poisonRuns = 0;
    const members = Array.from({ length: 3 }, () =>
      bus.subscribe({
        group: "fm-poison",
        channels: "fm.poison",
        batchSize: 5,
        maxAttempts: 3,
        retryDelayMs: () => 20,
        pollIntervalMs: 50,
        handler: async (event, context) => {
          if ((event.data as { poison: boolean }).poison) {
            poisonRuns += 1;
            throw new Error("poison");
          }
          await record("fm-poison")(event, context);
        },
      }),
    );
    await eventually(
      () => committedIds("fm-poison"),
      (ids) => ids.length === 39,
      15_000,
    );
    await eventually(
      async () =>
        (
          await pool.query(
            "SELECT count(*)::int AS n FROM postbus_dead_letters WHERE group_name = 'fm-poison'",
          )
        ).rows[0].n,
      (n) => n === 1,
    );
    await Promise.all(members.map((member) => member.close()));
    expect(poisonRuns).toBe(3);
    const { rows } = await pool.query(
      "SELECT event_id, attempts FROM postbus_dead_letters WHERE group_name = 'fm-poison'",
    );
    expect(rows).toEqual([{ event_id: events[17]!.id, attempts: 3 }]);
  });

  it("does not book a failure against an event when the subscription closes mid-batch", async () => {
    await bus.publishMany([1, 2, 3].map((n) => ({ type: "fm.close", data: n })));
    await deliverable(pool);
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const subscription = bus.subscribe({
      group: "fm-close",
      channels: "fm.close",
      handler: async (event, { signal }) => {
        if (event.data === 2) {
          entered();
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          throw new Error("aborted");
        }
      },
    });
    await inside;
    await subscription.close();
    const { rows } = await pool.query(
      "SELECT failing_id, failing_attempts FROM postbus_groups WHERE name = 'fm-close'",
    );
    expect(rows).toEqual([{ failing_id: null, failing_attempts: 0 }]);
  });

  it("takes the lease before its snapshot even when the session defaults to REPEATABLE READ", async () => {
    const repeatable = new pg.Pool({
      connectionString: db.url,
      max: 8,
      options: "-c default_transaction_isolation=repeatable\\ read",
    });
    const strictBus = createPostbus({ db: repeatable });
    try {
      await strictBus.publishMany(Array.from({ length: 300 }, (_, n) => ({ type: "fm.rr", data: n })));
      await deliverable(pool);
      const calls = new Map<number, number>();
      const errors: unknown[] = [];
      const members = Array.from({ length: 3 }, () =>
        strictBus.subscribe({
          group: "fm-rr",
          channels: "fm.rr",
          batchSize: 10,
          pollIntervalMs: 20,
          onError: (error) => errors.push(error),
          handler: async (event, context) => {
            calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
            await record("fm-rr")(event, context);
          },
        }),
      );
      await eventually(
        () => committedIds("fm-rr"),
        (ids) => ids.length === 300,
        20_000,
      );
      await Promise.all(members.map((member) => member.close()));
      expect([...calls.values()].every((n) => n === 1)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await strictBus.close();
      await repeatable.end();
    }
  });

  it("a reset forgets a failure being retried", async () => {
    await bus.publish("fm.reset", "stuck");
    await deliverable(pool);
    const stuck = bus.subscribe({
      group: "fm-reset",
      channels: "fm.reset",
      maxAttempts: 5,
      retryDelayMs: () => 60_000,
      handler: () => {
        throw new Error("not yet");
      },
    });
    await eventually(
      async () =>
        (await pool.query("SELECT failing_attempts FROM postbus_groups WHERE name = 'fm-reset'")).rows[0]
          ?.failing_attempts,
      (n) => n === 1,
    );
    await stuck.close();
    await bus.resetGroup("fm-reset", { channels: "fm.reset", to: "now" });
    await bus.publish("fm.reset", "fresh");
    await deliverable(pool);
    const seen: unknown[] = [];
    await bus.drain({
      group: "fm-reset",
      channels: "fm.reset",
      handler: (event) => void seen.push(event.data),
    });
    expect(seen).toEqual(["fresh"]);
  }, 15_000);

  it("redrive validates the payload like any delivery", async () => {
    const qtyIsNumber: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) =>
          typeof (value as { qty?: unknown })?.qty === "number"
            ? { value }
            : { issues: [{ message: "qty must be a number", path: ["qty"] }] },
      },
    };
    const typed = createPostbus({ db: pool, validators: { "fm.typed": qtyIsNumber } });
    try {
      await pool.query(
        `INSERT INTO events (channel, data) VALUES ('fm.typed', '{"event_type":"fm.typed","data":{"qty":"lots"}}')`,
      );
      await deliverable(pool);
      const seen: unknown[] = [];
      const options = {
        group: "fm-typed",
        channels: "fm.typed",
        maxAttempts: 1,
        handler: (event: StoredEvent) => void seen.push(event.data),
      };
      expect((await typed.drain(options)).deadLettered).toBe(1);
      expect(await typed.requestRedrive("fm-typed")).toBe(1);
      await typed.drain(options);
      expect(seen).toEqual([]);
      const { rows } = await pool.query(
        "SELECT status, attempts FROM postbus_dead_letters WHERE group_name = 'fm-typed'",
      );
      expect(rows).toEqual([{ status: "dead", attempts: 2 }]);
    } finally {
      await typed.close();
    }
  });

  it("a retry delay that is not a number still ends in a dead letter; drains leave no listeners on the caller's signal", async () => {
    await bus.publish("fm.nan", 1);
    await deliverable(pool);
    const controller = new AbortController();
    const stats = await bus.drain({
      group: "fm-nan",
      channels: "fm.nan",
      maxAttempts: 2,
      retryDelayMs: () => Number.NaN,
      signal: controller.signal,
      handler: () => {
        throw new Error("always");
      },
    });
    expect(stats.deadLettered).toBe(1);
    for (let n = 0; n < 15; n++) {
      await bus.drain({ group: "fm-nan", channels: "fm.nan", signal: controller.signal, handler: () => {} });
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  }, 15_000);
});
