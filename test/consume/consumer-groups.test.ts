import {
  type ConsumerContext,
  createPostbus,
  fromPool,
  migrate,
  type Postbus,
  type StoredEvent,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 12 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (group_name text, event_id int, note text)");
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const handledRows = async (group: string) =>
  (
    await pool.query("SELECT event_id FROM handled WHERE group_name = $1 ORDER BY event_id", [group])
  ).rows.map((row) => row.event_id as number);

describe("consumer groups", () => {
  it("deliver every event of their channels once, in delivery order, and commit handler writes with the cursor", async () => {
    const published = await bus.publishMany(
      Array.from({ length: 250 }, (_, n) => ({ type: n % 2 ? "cg.a" : "cg.b", data: { n } })),
    );
    await bus.publish("cg.other", { ignored: true });
    const seen: number[] = [];
    const subscription = bus.subscribe({
      group: "orders",
      channels: ["cg.a", "cg.b"],
      batchSize: 40,
      handler: async (event, { tx }) => {
        seen.push(event.id);
        await tx.query("INSERT INTO handled (group_name, event_id) VALUES ('orders', $1)", [event.id]);
      },
    });
    await subscription.ready;
    await eventually(
      async () => seen.length,
      (n) => n >= 250,
    );
    await subscription.close();
    expect(seen).toEqual(published.map((event) => event.id));
    expect(await handledRows("orders")).toEqual(published.map((event) => event.id));
    expect(subscription.stats.handled).toBe(250);
  });

  it("wake up for new events without waiting for the polling backstop", async () => {
    const seen: StoredEvent[] = [];
    const subscription = bus.subscribe({
      group: "fast",
      channels: ["cg.fast"],
      from: "now",
      pollIntervalMs: 60_000,
      handler: (event) => {
        seen.push(event);
      },
    });
    await subscription.ready;
    const started = Date.now();
    await bus.publish("cg.fast", { hello: true });
    await eventually(
      async () => seen.length,
      (n) => n === 1,
      5_000,
    );
    const elapsed = Date.now() - started;
    await subscription.close();
    expect(seen.map((event) => event.data)).toEqual([{ hello: true }]);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("drain handles what is deliverable and returns; a second drain finds nothing", async () => {
    await bus.publishMany([1, 2, 3].map((n) => ({ type: "cg.drain", data: n })));
    await deliverable(pool);
    const seen: unknown[] = [];
    const stats = await bus.drain({
      group: "drainer",
      channels: "cg.drain",
      handler: (event) => void seen.push(event.data),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(stats.handled).toBe(3);
    expect((await bus.drain({ group: "drainer", channels: "cg.drain", handler: () => {} })).handled).toBe(0);
  });

  it("start from now, from a position, or are rewound for replay", async () => {
    const [first, second, third] = await bus.publishMany(
      [1, 2, 3].map((n) => ({ type: "cg.start", data: n })),
    );
    await deliverable(pool);
    const collect = async (group: string, from?: string) => {
      const seen: unknown[] = [];
      await bus.drain({
        group,
        channels: "cg.start",
        ...(from ? { from } : {}),
        handler: (event) => void seen.push(event.data),
      });
      return seen;
    };
    expect(await collect("from-beginning")).toEqual([1, 2, 3]);
    expect(await collect("from-now", "now")).toEqual([]);
    expect(await collect("from-position", first!.position)).toEqual([2, 3]);
    await bus.resetGroup("from-beginning", { channels: "cg.start", to: second!.position });
    expect(await collect("from-beginning")).toEqual([3]);
    await bus.resetGroup("from-beginning", { channels: "cg.start", to: "beginning" });
    expect(await collect("from-beginning")).toEqual([1, 2, 3]);
    expect(third!.data).toBe(3);
  });

  it("dead-letter a poison event after exactly maxAttempts, move on, and deliver it again on redrive", async () => {
    await bus.publishMany([
      { type: "cg.poison", data: { n: 1 } },
      { type: "cg.poison", data: { n: 2, poison: true } },
      { type: "cg.poison", data: { n: 3 } },
    ]);
    await deliverable(pool);
    let poisonCalls = 0;
    let cured = false;
    const attempts: number[] = [];
    const committed = async () =>
      (await pool.query("SELECT note FROM handled WHERE group_name = 'poison' ORDER BY event_id")).rows.map(
        (row) => Number(row.note),
      );
    const options = {
      group: "poison",
      channels: "cg.poison",
      maxAttempts: 3,
      retryDelayMs: () => 10,
      handler: async (event: StoredEvent, context: ConsumerContext) => {
        const data = event.data as { n: number; poison?: boolean };
        if (data.poison && !cured) {
          poisonCalls += 1;
          attempts.push(context.attempt);
          throw new Error(`cannot handle ${data.n}`);
        }
        // Handlers before a failure in the same batch run again after the rollback; their
        // database writes commit once, with the cursor.
        await context.tx.query("INSERT INTO handled (group_name, event_id, note) VALUES ('poison', $1, $2)", [
          event.id,
          data.n,
        ]);
      },
    };
    const stats = await bus.drain(options);
    expect(poisonCalls).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await committed()).toEqual([1, 3]);
    expect(stats.deadLettered).toBe(1);
    const { rows } = await pool.query(
      "SELECT group_name, attempts, error, status, data->'data' AS data FROM postbus_dead_letters",
    );
    expect(rows).toEqual([
      {
        group_name: "poison",
        attempts: 3,
        error: "Error: cannot handle 2",
        status: "dead",
        data: { n: 2, poison: true },
      },
    ]);

    await pool.query("UPDATE postbus_dead_letters SET status = 'redrive'");
    cured = true;
    const again = await bus.drain(options);
    expect(again.redriven).toBe(1);
    expect(await committed()).toEqual([1, 2, 3]);
    expect((await pool.query("SELECT status FROM postbus_dead_letters")).rows).toEqual([
      { status: "redriven" },
    ]);
  });
});
