import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";
import { nowMs } from "../lib/clock.js";
import { makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { partitionHandler } from "../lib/partition-handler.js";
import type { BenchContext, Cell, Check, Scenario } from "./types.js";

const PARTITIONS = 8;
const HANDLER_MS = 20;
const KEYS = 1_024;
const CHANNEL = "bench.partitions";

/** The ideal throughput of a slow handler: partitions ÷ handler time. */
const IDEAL = (PARTITIONS * 1000) / HANDLER_MS;

/** `count` events over `KEYS` keys, interleaved, each with its key's sequence number. */
function keyedItems(count: number) {
  return Array.from({ length: count }, (_, n) => {
    const key = `k${n % KEYS}`;
    return { type: CHANNEL, data: { key, seq: Math.floor(n / KEYS) }, partitionKey: key };
  });
}

/** Starts a member process; resolves once it is subscribed. */
async function startMember(url: string, group: string, concurrency: number, handlerMs: number) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "..", "consumer", "partition-member.ts"),
      url,
      group,
      CHANNEL,
      String(PARTITIONS),
      String(concurrency),
      String(handlerMs),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`partition member exited (${code}) before it was ready`)));
  });
  return child;
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.on("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
}

/** Waits until `count` rows of `group` are in `bench_partition_handled`; returns the last one's time (ms). */
async function handledBy(admin: pg.Pool, group: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const { rows } = await admin.query<{ n: number; last: Date | null }>(
      "SELECT count(*)::int AS n, max(at) AS last FROM bench_partition_handled WHERE group_name = $1",
      [group],
    );
    if (rows[0]!.n >= count) return rows[0]!.last!.getTime();
    if (nowMs() > deadline)
      throw new Error(`${group}: ${rows[0]!.n} of ${count} handled within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Exactly once and per-key order, counted in the database. */
async function checkGroup(admin: pg.Pool, group: string, expected: number): Promise<Check> {
  const { rows } = await admin.query<{ rows: number; events: number; out_of_order: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events,
       (SELECT count(*)::int FROM (
          SELECT seq < lag(seq) OVER (PARTITION BY key ORDER BY n) AS back FROM bench_partition_handled WHERE group_name = $1
        ) AS o WHERE o.back) AS out_of_order
     FROM bench_partition_handled WHERE group_name = $1`,
    [group],
  );
  const row = rows[0]!;
  return {
    name: `${group}: every event handled once, each key in order`,
    ok: row.rows === expected && row.events === expected && row.out_of_order === 0,
    detail: `${row.rows} handler rows for ${row.events} of ${expected} events; ${row.out_of_order} out of key order`,
  };
}

/**
 * Throughput of a backlog published in one transaction while the members wait: from the commit to
 * the last handler row.
 */
async function slowHandlerRate(
  context: BenchContext,
  members: number,
  inProcess: boolean,
  events: number,
  checks: Check[],
): Promise<number> {
  await resetTables(context.admin);
  const group = `slow-${members}${inProcess ? "-in" : ""}-${Date.now() % 100_000}`;
  const children: ChildProcess[] = [];
  const pool = new pg.Pool({ connectionString: context.db.url, max: PARTITIONS + 4 });
  const bus = createPostbus({ db: pool });
  let subscription: { close(): Promise<void> } | undefined;
  try {
    if (inProcess) {
      const sub = bus.subscribe({
        group,
        channels: CHANNEL,
        partitions: PARTITIONS,
        concurrency: PARTITIONS,
        batchSize: 10,
        handler: partitionHandler(group, HANDLER_MS),
      });
      await sub.ready;
      subscription = sub;
    } else {
      for (let m = 0; m < members; m++) {
        children.push(await startMember(context.db.url, group, PARTITIONS / members, HANDLER_MS));
      }
    }
    await bus.publishMany(keyedItems(events));
    const committed = Date.now();
    const last = await handledBy(context.admin, group, events, 120_000);
    checks.push(await checkGroup(context.admin, group, events));
    return (events * 1000) / (last - committed);
  } finally {
    await subscription?.close();
    await stop(children);
    await bus.close();
    await pool.end();
  }
}

/** Delivery rate of a backlog to one in-process group with a handler that only writes its row. */
async function fastRate(context: BenchContext, partitioned: boolean, events: number, checks: Check[]) {
  await resetTables(context.admin);
  const group = `fast-${partitioned ? "p" : "u"}-${Date.now() % 100_000}`;
  const pool = new pg.Pool({ connectionString: context.db.url, max: PARTITIONS + 4 });
  const bus = createPostbus({ db: pool });
  try {
    await bus.publishMany(keyedItems(events));
    const started = nowMs();
    const drained = await bus.drain({
      group,
      channels: CHANNEL,
      ...(partitioned ? { partitions: PARTITIONS } : {}),
      batchSize: 100,
      handler: partitionHandler(group, 0),
    });
    const seconds = (nowMs() - started) / 1000;
    if (drained.handled !== events) throw new Error(`${group}: drained ${drained.handled} of ${events}`);
    checks.push(await checkGroup(context.admin, group, events));
    return events / seconds;
  } finally {
    await bus.close();
    await pool.end();
  }
}

/**
 * Parallel consumer groups: a 20 ms handler over 8 partitions with 1, 2 and 4 member processes
 * (8 workers in all) and with 8 workers in one in-process member, against the ideal
 * (partitions ÷ handler time); and a fast handler's backlog through a partitioned group against
 * the same group unpartitioned.
 */
export const partitionsScenario: Scenario = {
  name: "partitions",
  title: "Partitioned consumer groups",
  target:
    "20 ms handler, 8 partitions: ≥ 0.8 × partitions ÷ handler time with 1/2/4 members and in one process; fast handler partitioned ≥ 0.90 × unpartitioned",
  async run(context) {
    const cells: Cell[] = [];
    const checks: Check[] = [];
    const rounds = Math.min(context.rounds, 3);
    const slowEvents = context.quick ? 320 : 1_600;
    for (const [label, members, inProcess] of [
      ["1 member process (8 workers)", 1, false],
      ["2 member processes (4 workers each)", 2, false],
      ["4 member processes (2 workers each)", 4, false],
      ["in process, concurrency 8", 1, true],
    ] as const) {
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        samples.push(await slowHandlerRate(context, members, inProcess, slowEvents, checks));
      }
      cells.push(
        makeCell({
          label: `${HANDLER_MS} ms handler, ${label}`,
          unit: "events/s",
          baselineName: `ideal (${PARTITIONS} partitions ÷ ${HANDLER_MS} ms)`,
          baseline: samples.map(() => IDEAL),
          postbus: samples,
          target: { op: ">=", value: 0.8, text: "≥ 0.8 × partitions ÷ handler time" },
        }),
      );
      context.log(
        `  ${label}: ${samples.map((rate) => rate.toFixed(0)).join(", ")} events/s (ideal ${IDEAL})`,
      );
    }
    const fastEvents = context.quick ? 1_000 : 5_000;
    const unpartitioned: number[] = [];
    const partitioned: number[] = [];
    await fastRate(context, false, fastEvents, []); // warm-up
    await fastRate(context, true, fastEvents, []);
    for (let round = 0; round < rounds + 1; round++) {
      // ABBA: odd rounds measure the partitioned group first.
      if (round % 2 === 0) {
        unpartitioned.push(await fastRate(context, false, fastEvents, checks));
        partitioned.push(await fastRate(context, true, fastEvents, checks));
      } else {
        partitioned.push(await fastRate(context, true, fastEvents, checks));
        unpartitioned.push(await fastRate(context, false, fastEvents, checks));
      }
    }
    cells.push(
      makeCell({
        label: `fast handler, ${fastEvents} events, one member`,
        unit: "events/s",
        baselineName: "the same group unpartitioned",
        baseline: unpartitioned,
        postbus: partitioned,
        target: { op: ">=", value: 0.9, text: "not slower than an unpartitioned group by more than 10%" },
        note: `partitioned: ${PARTITIONS} partitions, concurrency ${PARTITIONS}, ${KEYS} keys`,
      }),
    );
    return { cells, checks };
  },
};
