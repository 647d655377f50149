import { createPostbus, fromPool, migrate, type Postbus, type StoredEvent } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 20 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (group_name text NOT NULL, event_id int NOT NULL)");
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

/** Drains a group into an array of handled events (data only). */
async function drainData(group: string, channels: string | string[]): Promise<unknown[]> {
  const seen: unknown[] = [];
  await bus.drain({ group, channels, handler: (event) => void seen.push(event.data) });
  return seen;
}

const key = (event: StoredEvent) => {
  const [tx, id] = event.position.split(":");
  return BigInt(tx!) * 4_294_967_296n + BigInt(id!);
};

describe("delivery to consumer groups", () => {
  it("does not skip an event whose transaction took its id first but commits after a later one", async () => {
    const early = await pool.connect();
    try {
      await early.query("BEGIN");
      await bus.publish("late.commit", { order: 1 }, { tx: early });
      await bus.publish("late.commit", { order: 2 });
      // While the first transaction runs, the group gets nothing — not the second event alone.
      expect(await drainData("late", "late.commit")).toEqual([]);
      await early.query("COMMIT");
    } finally {
      early.release();
    }
    await deliverable(pool);
    expect(await drainData("late", "late.commit")).toEqual([{ order: 1 }, { order: 2 }]);
  });

  it("delivers in transaction order, not id order, and a rolled-back transaction leaves no stall", async () => {
    const older = await pool.connect();
    const doomed = await pool.connect();
    try {
      await older.query("BEGIN");
      await doomed.query("BEGIN");
      await bus.publish("tx.order", { n: "older-a" }, { tx: older });
      await bus.publish("tx.order", { n: "doomed" }, { tx: doomed });
      await bus.publish("tx.order", { n: "younger" });
      await bus.publish("tx.order", { n: "older-b" }, { tx: older });
      await doomed.query("ROLLBACK");
      await older.query("COMMIT");
    } finally {
      older.release();
      doomed.release();
    }
    await deliverable(pool);
    expect(await drainData("txorder", "tx.order")).toEqual([
      { n: "older-a" },
      { n: "older-b" },
      { n: "younger" },
    ]);
  });

  it("delivers a row written by a plain ADR INSERT", async () => {
    await pool.query(
      `INSERT INTO events (channel, data) VALUES ('adr.plain', '{"event_type":"adr.plain","timestamp":"2025-05-15T10:30:45Z","data":{"from":"python"},"metadata":{}}')`,
    );
    await deliverable(pool);
    expect(await drainData("adr", "adr.plain")).toEqual([{ from: "python" }]);
  });

  it("under concurrent publishers with random commit delays and rollbacks, every committed event reaches each group exactly once, in (tx, id) order", async () => {
    const channels = ["load.a", "load.b", "load.c", "load.rare"];
    const groups = [
      { name: "load-big", batchSize: 100 },
      { name: "load-small", batchSize: 7 },
    ];
    const received = new Map<string, StoredEvent[]>(groups.map((group) => [group.name, []]));
    const subscriptions = groups.map((group) =>
      bus.subscribe({
        group: group.name,
        channels,
        batchSize: group.batchSize,
        pollIntervalMs: 200,
        handler: async (event, { tx }) => {
          received.get(group.name)!.push(event);
          await tx.query("INSERT INTO handled (group_name, event_id) VALUES ($1, $2)", [
            group.name,
            event.id,
          ]);
        },
      }),
    );
    await Promise.all(subscriptions.map((subscription) => subscription.ready));

    const committed: number[] = [];
    const rolledBack: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const publisher = async (worker: number) => {
      for (let n = 0; n < 120; n++) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const count = 1 + Math.floor(random() * 3);
          const items = Array.from({ length: count }, (_, i) => ({
            type: random() < 0.02 ? "load.rare" : channels[Math.floor(random() * 3)]!,
            data: { worker, n, i },
          }));
          const stored = await bus.publishMany(items, { tx: client });
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 6)));
          if (random() < 0.1) {
            await client.query("ROLLBACK");
            rolledBack.push(...stored.map((event) => event.id));
          } else {
            await client.query("COMMIT");
            committed.push(...stored.map((event) => event.id));
          }
        } finally {
          client.release();
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, worker) => publisher(worker)));
    expect(committed.length).toBeGreaterThan(1_500);
    expect(rolledBack.length).toBeGreaterThan(50);

    for (const group of groups) {
      await eventually(
        async () => received.get(group.name)!.length,
        (n) => n >= committed.length,
        30_000,
      );
    }
    await Promise.all(subscriptions.map((subscription) => subscription.close()));

    const expected = [...committed].sort((a, b) => a - b);
    for (const group of groups) {
      const events = received.get(group.name)!;
      expect([...events.map((event) => event.id)].sort((a, b) => a - b)).toEqual(expected);
      const keys = events.map(key);
      expect(keys.every((k, i) => i === 0 || k > keys[i - 1]!)).toBe(true);
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_n FROM handled WHERE group_name = $1",
        [group.name],
      );
      expect(rows[0]).toEqual({ n: committed.length, distinct_n: committed.length });
    }
  }, 60_000);
});
