import { createPostbus, type Executor, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerStatements } from "../../packages/client/src/sql/consumer-statements.js";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

// A group catching up on one channel with large batches reads each batch after the first with a
// statement of its own (`readAfterCursor`), after a claim that takes only the lease and state.
const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const texts: string[] = [];
const READ = consumerStatements('"public"').readAfterCursor;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  const base = fromPool(pool);
  await migrate(base);
  // Records every statement the client runs, in its transactions too.
  const record = (executor: Executor): Executor => ({
    ...executor,
    query: (text, values, options) => {
      texts.push(text);
      return executor.query(text, values, options);
    },
    ...(executor.transaction
      ? {
          transaction: (work, options) => executor.transaction!((tx) => work(record(tx)), options),
        }
      : {}),
  });
  bus = createPostbus({ db: record(base) });
});
afterAll(() => bus.close());

async function backlog(channel: string, count: number, wait = true): Promise<number[]> {
  const ids: number[] = [];
  for (let offset = 0; offset < count; offset += 500) {
    const written = await bus.publishMany(
      Array.from({ length: Math.min(500, count - offset) }, (_, n) => ({
        type: channel,
        data: { n: offset + n },
      })),
    );
    ids.push(...written.map((event) => event.id));
  }
  if (wait) await deliverable(pool);
  return ids;
}

describe("catch-up batches", () => {
  it("deliver a 1,300-event backlog in order, once each, reading batches after the first on their own", async () => {
    const ids = await backlog("catchup.order", 1_300);
    texts.length = 0;
    const seen: number[] = [];
    const result = await bus.drain({
      group: "catchup-order",
      channels: ["catchup.order"],
      from: "beginning",
      batchSize: 400,
      handler: (event) => void seen.push(event.id),
    });
    expect(seen).toEqual(ids);
    expect(result.handled).toBe(1_300);
    // Batches: 400 claimed with its events, then 400, 400 and 100 read on their own; after a small
    // batch the group is caught up and the last (empty) claim reads its events itself again.
    expect(texts.filter((text) => text === READ).length).toBe(3);
  });

  it("a handler failure in a batch read on its own rolls back and retries it: every database effect exactly once", async () => {
    const ids = await backlog("catchup.fail", 900);
    await pool.query("CREATE TABLE catchup_handled (event_id int PRIMARY KEY)");
    let failures = 0;
    const result = await bus.drain({
      group: "catchup-fail",
      channels: ["catchup.fail"],
      from: "beginning",
      batchSize: 300,
      maxAttempts: 5,
      retryDelayMs: () => 1,
      handler: async (event, { tx }) => {
        await tx.query("INSERT INTO catchup_handled (event_id) VALUES ($1)", [event.id]);
        // Event 450 is in the second batch, the first one read after the claim.
        if ((event.data as { n: number }).n === 450 && failures++ < 2) throw new Error("transient");
      },
    });
    expect(failures).toBe(3);
    expect(result.handled).toBe(900);
    const { rows } = await pool.query<{ event_id: number }>(
      "SELECT event_id FROM catchup_handled ORDER BY event_id",
    );
    expect(rows.map((row) => row.event_id)).toEqual([...ids].sort((a, b) => a - b));
    const cursor = await pool.query<{ id: number }>(
      "SELECT id FROM postbus_cursors WHERE group_name = 'catchup-fail'",
    );
    expect(cursor.rows[0]!.id).toBe(ids.at(-1));
  });

  it("does not read past a transaction still running (the horizon), in a batch read on its own", async () => {
    const before = await backlog("catchup.gap", 500);
    texts.length = 0;
    const seen: number[] = [];
    const group = { group: "catchup-gap", channels: ["catchup.gap"], batchSize: 250 } as const;
    const early = await pool.connect();
    try {
      await early.query("BEGIN");
      const first = await bus.publish("catchup.gap", { n: "early" }, { tx: early });
      const later = await backlog("catchup.gap", 300, false);
      // 250 claimed with the lease, 250 read on their own, then a read on its own that finds the
      // early transaction's event (and everything after it) at or above the horizon: nothing.
      await bus.drain({ ...group, from: "beginning", handler: (event) => void seen.push(event.id) });
      expect(seen).toEqual(before);
      expect(texts.filter((text) => text === READ).length).toBe(2);
      await early.query("COMMIT");
      await deliverable(pool);
      seen.length = 0;
      await bus.drain({ ...group, handler: (event) => void seen.push(event.id) });
      expect(seen).toEqual([first.id, ...later]);
    } finally {
      await early.query("ROLLBACK").catch(() => {});
      early.release();
    }
  });
});
