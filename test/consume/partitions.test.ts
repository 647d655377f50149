import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { expectExactlyOnceInKeyOrder, handledCount } from "../support/key-order.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 24 });
  await migrate(fromPool(pool));
  await pool.query(
    "CREATE TABLE handled (n bigserial PRIMARY KEY, group_name text, event_id int, key text, seq int)",
  );
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handler that records the event in `handled` within the batch's transaction. */
function recorder(group: string, delayMs = 0) {
  let running = 0;
  const state = { maxRunning: 0 };
  const handler = async (
    event: { id: number; data: unknown },
    { tx }: { tx: { query: (text: string, values: unknown[]) => Promise<unknown> } },
  ) => {
    running += 1;
    state.maxRunning = Math.max(state.maxRunning, running);
    try {
      if (delayMs > 0) await sleep(delayMs);
      const data = event.data as { key: string; seq: number };
      await tx.query("INSERT INTO handled (group_name, event_id, key, seq) VALUES ($1, $2, $3, $4)", [
        group,
        event.id,
        data.key,
        data.seq,
      ]);
    } finally {
      running -= 1;
    }
  };
  return { handler, state };
}

/** Events of `keys` keys, `perKey` each, interleaved, with their key and sequence number. */
function keyed(type: string, keys: number, perKey: number, prefix = "k") {
  const items = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (let k = 0; k < keys; k++) {
      const key = `${prefix}${k}`;
      items.push({ type, data: { key, seq }, partitionKey: key });
    }
  }
  return items;
}

describe("partitioned consumer groups", () => {
  it("handle each key in order and different keys concurrently in one process", async () => {
    const published = await bus.publishMany(keyed("pt.basic", 16, 25));
    const { handler, state } = recorder("basic", 10);
    const subscription = bus.subscribe({
      group: "basic",
      channels: "pt.basic",
      partitions: 8,
      concurrency: 8,
      batchSize: 10,
      handler,
    });
    await subscription.ready;
    await eventually(
      () => handledCount(pool, "basic"),
      (n) => n >= 400,
      20_000,
    );
    await subscription.close();
    await expectExactlyOnceInKeyOrder(
      pool,
      "basic",
      published.map((event) => event.id),
    );
    expect(state.maxRunning).toBeGreaterThanOrEqual(4);
    const { rows } = await pool.query("SELECT partitions FROM postbus_groups WHERE name = 'basic'");
    expect(rows[0].partitions).toBe(8);
  });

  it("keep per-key order under 8 concurrent publishers whose transactions commit out of order", async () => {
    const { handler } = recorder("racing");
    const subscription = bus.subscribe({
      group: "racing",
      channels: "pt.racing",
      partitions: 8,
      batchSize: 20,
      handler,
    });
    await subscription.ready;
    const ids: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, publisher) => {
        for (let seq = 0; seq < 15; seq++) {
          await bus.withTransaction(async (scope) => {
            for (let k = 0; k < 3; k++) {
              const key = `p${publisher}-${k}`;
              const event = await scope.publish("pt.racing", { key, seq }, { partitionKey: key });
              ids.push(event.id);
            }
            // Held open a random while: later transactions of other publishers commit first.
            await sleep(Math.random() * 12);
          });
        }
      }),
    );
    await eventually(
      () => handledCount(pool, "racing"),
      (n) => n >= ids.length,
      20_000,
    );
    await subscription.close();
    expect(ids.length).toBe(360);
    await expectExactlyOnceInKeyOrder(pool, "racing", ids);
  });

  it("a poison event holds back only its own slot; the rest of the group goes on, then it is dead-lettered", async () => {
    // Keys whose slot differs from the poison key's.
    const { rows: slots } = await pool.query<{ key: string; slot: number }>(
      "SELECT k AS key, hashtext(k) & 63 AS slot FROM unnest($1::text[]) AS k",
      [["bad", ...Array.from({ length: 40 }, (_, n) => `ok${n}`)]],
    );
    const badSlot = slots.find((row) => row.key === "bad")!.slot;
    const good = slots.filter((row) => row.key !== "bad" && row.slot !== badSlot).map((row) => row.key);
    const poison = await bus.publish("pt.poison", { key: "bad", seq: 0 }, { partitionKey: "bad" });
    const after = await bus.publish("pt.poison", { key: "bad", seq: 1 }, { partitionKey: "bad" });
    const others = await bus.publishMany(
      good.map((key) => ({ type: "pt.poison", data: { key, seq: 0 }, partitionKey: key })),
    );
    const { handler } = recorder("poisoned");
    const attempts: number[] = [];
    const subscription = bus.subscribe({
      group: "poisoned",
      channels: "pt.poison",
      partitions: 4,
      maxAttempts: 3,
      retryDelayMs: () => 400,
      handler: async (event, context) => {
        if (event.id === poison.id) {
          attempts.push(context.attempt);
          throw new Error("poison");
        }
        await handler(event, context);
      },
    });
    await subscription.ready;
    await eventually(
      () => handledCount(pool, "poisoned"),
      (n) => n >= others.length,
      10_000,
    );
    // Every other key went through while the poison event waits for its retries.
    const early = await pool.query("SELECT event_id FROM handled WHERE group_name = 'poisoned'");
    expect(early.rows.map((row) => row.event_id)).not.toContain(after.id);
    expect(attempts.length).toBeLessThan(3);
    await eventually(
      () => handledCount(pool, "poisoned"),
      (n) => n >= others.length + 1,
      10_000,
    );
    await subscription.close();
    expect(attempts).toEqual([1, 2, 3]);
    const dead = await bus.listDeadLetters({ group: "poisoned" });
    expect(dead.map((letter) => letter.eventId)).toEqual([poison.id]);
    await expectExactlyOnceInKeyOrder(pool, "poisoned", [after.id, ...others.map((event) => event.id)]);

    // Fixed: a redrive hands the dead letter to the partitioned group again, once.
    expect(await bus.requestRedrive("poisoned")).toBe(1);
    const redriven = await bus.drain({ group: "poisoned", channels: "pt.poison", partitions: 4, handler });
    expect(redriven.redriven).toBe(1);
    const again = await pool.query(
      "SELECT count(*)::int AS n FROM handled WHERE group_name = 'poisoned' AND event_id = $1",
      [poison.id],
    );
    expect(again.rows[0].n).toBe(1);
    expect((await bus.listDeadLetters({ group: "poisoned" }))[0]!.status).toBe("redriven");
  });

  it("repartitioning while events flow loses and duplicates nothing, and keeps each key in order", async () => {
    const { handler } = recorder("resized", 2);
    const subscription = bus.subscribe({
      group: "resized",
      channels: "pt.resized",
      partitions: 4,
      concurrency: 8,
      batchSize: 10,
      handler,
    });
    await subscription.ready;
    const ids: number[] = [];
    const changes: unknown[] = [];
    const publishing = (async () => {
      for (let round = 0; round < 20; round++) {
        const batch = await bus.publishMany(
          keyed("pt.resized", 30, 1).map((item) => ({
            ...item,
            data: { key: item.data.key, seq: round },
          })),
        );
        ids.push(...batch.map((event) => event.id));
        await sleep(15);
      }
    })();
    for (const partitions of [8, 2, 5, 1, 64]) {
      await sleep(50);
      changes.push(await bus.repartitionGroup("resized", partitions));
    }
    await publishing;
    await eventually(
      () => handledCount(pool, "resized"),
      (n) => n >= ids.length,
      20_000,
    );
    await subscription.close();
    expect(changes).toEqual([
      { from: 4, to: 8 },
      { from: 8, to: 2 },
      { from: 2, to: 5 },
      { from: 5, to: 1 },
      { from: 1, to: 64 },
    ]);
    expect(ids.length).toBe(600);
    await expectExactlyOnceInKeyOrder(pool, "resized", ids);
  });

  it("an unpartitioned group becomes partitioned where it was; a member reading it as one switches", async () => {
    const first = await bus.publishMany(keyed("pt.convert", 10, 5));
    const plain = recorder("convert");
    const drained = await bus.drain({ group: "convert", channels: "pt.convert", handler: plain.handler });
    expect(drained.handled).toBe(50);
    // A member that still reads the group as one, then another that makes it partitioned.
    const old = bus.subscribe({
      group: "convert",
      channels: "pt.convert",
      handler: plain.handler,
      pollIntervalMs: 100,
    });
    await old.ready;
    const converting = bus.subscribe({
      group: "convert",
      channels: "pt.convert",
      partitions: 4,
      handler: plain.handler,
    });
    await converting.ready;
    const second = await bus.publishMany(
      keyed("pt.convert", 10, 5).map((item) => ({
        ...item,
        data: { key: item.data.key, seq: item.data.seq + 5 },
      })),
    );
    await eventually(
      () => handledCount(pool, "convert"),
      (n) => n >= 100,
      10_000,
    );
    await sleep(200);
    await Promise.all([old.close(), converting.close()]);
    await expectExactlyOnceInKeyOrder(
      pool,
      "convert",
      [...first, ...second].map((event) => event.id),
    );
    const { rows } = await pool.query(
      "SELECT (SELECT count(*)::int FROM postbus_cursors WHERE group_name = 'convert') AS channel_cursors, (SELECT count(*)::int FROM postbus_slot_cursors WHERE group_name = 'convert') AS slot_cursors",
    );
    expect(rows[0]).toEqual({ channel_cursors: 0, slot_cursors: 64 });
  });

  it("a reset moves every slot: a rewind to the beginning hands every event to the group again", async () => {
    const published = await bus.publishMany(keyed("pt.reset", 6, 5));
    const { handler } = recorder("rewound");
    const first = await bus.drain({ group: "rewound", channels: "pt.reset", partitions: 3, handler });
    expect(first.handled).toBe(30);
    await bus.resetGroup("rewound", { channels: "pt.reset", to: "beginning" });
    await deliverable(pool);
    const again = await bus.drain({ group: "rewound", channels: "pt.reset", handler });
    expect(again.handled).toBe(30);
    const { rows } = await pool.query(
      "SELECT event_id, count(*)::int AS n FROM handled WHERE group_name = 'rewound' GROUP BY event_id",
    );
    expect(rows.length).toBe(published.length);
    expect(rows.every((row) => row.n === 2)).toBe(true);
  });

  it("status shows the slowest slot's position, the lag per partition and the failing slot; prune keeps what a slot has not passed", async () => {
    const published = await bus.publishMany(keyed("pt.watched", 10, 4));
    const { handler } = recorder("watched");
    const subscription = bus.subscribe({
      group: "watched",
      channels: "pt.watched",
      partitions: 4,
      retryDelayMs: () => 60_000,
      handler: async (event, context) => {
        if ((event.data as { key: string }).key === "k3") throw new Error("k3 is stuck");
        await handler(event, context);
      },
    });
    await subscription.ready;
    await eventually(
      () => handledCount(pool, "watched"),
      (n) => n >= 36,
      10_000,
    );
    // Keys that share k3's slot wait behind it too.
    const { rows: same } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM unnest($1::text[]) AS k WHERE hashtext(k) & 63 = hashtext('k3') & 63 AND k <> 'k3'",
      [Array.from({ length: 10 }, (_, n) => `k${n}`)],
    );
    expect(same[0]!.n).toBe(0);
    await sleep(100);
    const status = await bus.status();
    const group = status.groups.find((candidate) => candidate.group === "watched")!;
    expect(group.partitions).toBe(4);
    expect(group.failing).toMatchObject({ attempts: 1, lastError: expect.stringContaining("k3 is stuck") });
    const k3First = published.find((event) => (event.data as { key: string; seq: number }).key === "k3")!;
    expect(group.failing!.position).toBe(k3First.position);
    expect(group.channels).toEqual([
      expect.objectContaining({ channel: "pt.watched", lagEvents: 4, lagCapped: false }),
    ]);
    expect(group.partitionLag!.map((partition) => partition.lagEvents).sort()).toEqual([0, 0, 0, 4]);
    expect(group.partitionLag!.reduce((sum, partition) => sum + partition.failingSlots, 0)).toBe(1);
    await subscription.close();

    const pruned = await bus.prune({ olderThan: new Date(Date.now() + 60_000), ignoreGroups: [] });
    const left = await pool.query<{ key: string }>(
      "SELECT data->'data'->>'key' AS key FROM events WHERE channel = 'pt.watched'",
    );
    expect(left.rows.map((row) => row.key)).toEqual(["k3", "k3", "k3", "k3"]);
    expect(pruned.deleted).toBeGreaterThanOrEqual(36);
  });

  it("a partitioned responder answers requests concurrently, each request its own key", async () => {
    let running = 0;
    let maxRunning = 0;
    const responder = bus.respond({
      requestType: "pt.quote.requested",
      responseType: "pt.quote.answered",
      partitions: 8,
      handler: async (request) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(40);
        running -= 1;
        return { n: (request.data as { n: number }).n * 2 };
      },
    });
    await responder.ready;
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, n) => bus.request("pt.quote.requested", { n }, { timeoutMs: 20_000 })),
    );
    await responder.close();
    expect(replies.map((reply) => (reply.data as { n: number }).n)).toEqual(
      Array.from({ length: 24 }, (_, n) => n * 2),
    );
    expect(maxRunning).toBeGreaterThanOrEqual(4);
    const keys = await pool.query(
      "SELECT count(DISTINCT data->'metadata'->>'partition_key')::int AS n FROM events WHERE channel = 'pt.quote.requested' AND data->>'event_type' = 'pt.quote.requested'",
    );
    expect(keys.rows[0].n).toBe(24);
  });

  it("postbus partitions <group> <n> repartitions, and refuses bad arguments with exit 2", async () => {
    await bus.drain({ group: "cli-parts", channels: "pt.cli", handler: () => {} });
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(["partitions", ...args, "--database-url", db.url], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { code, out, err };
    };
    expect(await run("cli-parts", "4")).toMatchObject({
      code: 0,
      out: ["cli-parts: unpartitioned → 4 partitions"],
    });
    expect(await run("cli-parts", "1")).toMatchObject({
      code: 0,
      out: ["cli-parts: 4 partitions → 1 partition"],
    });
    expect((await run("cli-parts", "four")).code).toBe(2);
    expect((await run("cli-parts")).code).toBe(2);
    const missing = await run("no-such-group", "4");
    expect(missing.code).toBe(1);
    expect(missing.err.join("\n")).toMatch(/does not exist/);
    const { rows } = await pool.query("SELECT partitions FROM postbus_groups WHERE name = 'cli-parts'");
    expect(rows[0].partitions).toBe(1);
  });

  it("refuses a bad number of partitions, naming the option, and a repartition of a group that does not exist", async () => {
    expect(() =>
      bus.subscribe({ group: "bad-parts", channels: "pt.bad", partitions: 65, handler: () => {} }),
    ).toThrow(/partitions must be an integer from 1 to 64/);
    await expect(bus.repartitionGroup("no-such-group", 4)).rejects.toThrow(/does not exist/);
    await expect(bus.repartitionGroup("basic", 0)).rejects.toThrow(
      /partitions must be an integer from 1 to 64/,
    );
    await expect(bus.publish("pt.bad", {}, { partitionKey: "" })).rejects.toThrow(/partition key/);
  });
});
