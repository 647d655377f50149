import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";
import { makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { cellKey } from "../lib/end-to-end.js";
import { closedLoop } from "../lib/load.js";
import { benchPayload } from "../lib/payload.js";
import { warmPool } from "../lib/warm-pool.js";
import { benchChannel } from "../peers/postbus.js";
import { summaryLine } from "../report/summary-line.js";
import type { BenchContext, Cell, Check, Scenario } from "./types.js";

const PUBLISHERS = 2;
const GROUPS = [1, 4, 16, 64];

/** Publishes from 4 publishers for `durationMs` while `groups` Postbus groups (0: none) consume in the other process. */
async function publisherRate(
  context: BenchContext,
  groups: number,
  durationMs: number,
): Promise<{ perSecond: number; check?: Check }> {
  await resetTables(context.admin);
  const key = cellKey("fan");
  if (groups > 0) await context.consumer.start("postbus", context.db.url, { key, groups });
  const pool = new pg.Pool({ connectionString: context.db.url, max: PUBLISHERS + 2 });
  await warmPool(pool, PUBLISHERS);
  const bus = createPostbus({ db: pool, producer: "bench" });
  let next = 0;
  const { perSecond } = await closedLoop({
    workers: PUBLISHERS,
    durationMs,
    op: async () => {
      const seq = next++;
      await bus.publish(benchChannel(key), benchPayload({ seq, at: Date.now() }));
      return 1;
    },
  });
  await bus.close();
  await pool.end();
  if (groups === 0) return { perSecond };
  const result = await context.consumer.collect(next, 5000, 60_000);
  const bad = result.groups.filter((group) => group.missing > 0 || group.duplicates > 0);
  return {
    perSecond,
    check: {
      name: `${groups} consumer groups each get every event once`,
      ok: bad.length === 0,
      detail: `${next} events × ${groups} groups; ${bad.length} group(s) with missing or duplicate events${
        bad.length > 0 ? ` (first: missing ${bad[0]!.missing}, duplicates ${bad[0]!.duplicates})` : ""
      }`,
    },
  };
}

/** Delivery rate of a `backlog` to `groups` readers: raw cursor readers or Postbus groups, in the other process. */
async function deliveryRate(
  context: BenchContext,
  system: "raw-pg" | "postbus",
  groups: number,
  backlog: number,
): Promise<number> {
  await resetTables(context.admin);
  const key = cellKey("fanout");
  const payloads = Array.from({ length: backlog }, (_, seq) => benchPayload({ seq, at: Date.now() }));
  if (system === "raw-pg") {
    await context.admin.query(
      "INSERT INTO raw_events (channel, data) SELECT $1, d FROM unnest($2::jsonb[]) AS d",
      [`bench.${key}`, payloads.map((payload) => JSON.stringify(payload))],
    );
  } else {
    const bus = createPostbus({ db: context.admin, wakeups: "off" });
    for (let offset = 0; offset < backlog; offset += 1000) {
      await bus.publishMany(
        payloads.slice(offset, offset + 1000).map((data) => ({ type: benchChannel(key), data })),
      );
    }
    await bus.close();
  }
  await context.admin.query("VACUUM ANALYZE events");
  await context.admin.query("VACUUM ANALYZE raw_events");
  const openedAt = await context.consumer.start(system, context.db.url, { key, groups });
  const result = await context.consumer.collect(backlog, 5000, 120_000);
  const delivered = result.groups.reduce((sum, group) => sum + group.unique, 0);
  if (delivered < backlog * groups)
    throw new Error(`${system}: delivered ${delivered} of ${backlog * groups}`);
  return (delivered * 1000) / (result.lastAt - openedAt);
}

/**
 * Fan-out to 1, 4, 16 and 64 consumer groups: the publisher's rate while the groups
 * consume (vs no groups), and the delivery rate of a backlog to N groups (vs N raw
 * cursor readers on the same pool size).
 */
export const fanOutScenario: Scenario = {
  name: "fan-out",
  title: "Fan-out to consumer groups",
  target: "publisher keeps ≥ 0.97 of its 0-group rate; delivery ≥ 0.9 of N × raw cursor read",
  async run(context) {
    const cells: Cell[] = [];
    const checks: Check[] = [];
    const rounds = Math.min(context.rounds, 2);
    const durationMs = context.duration(2500);
    const backlog = context.quick ? 300 : 1000;
    for (const groups of context.quick ? [1, 16] : GROUPS) {
      const base: number[] = [];
      const loaded: number[] = [];
      const raw: number[] = [];
      const postbus: number[] = [];
      for (let round = -1; round < rounds; round++) {
        const zero = await publisherRate(context, 0, durationMs);
        const withGroups = await publisherRate(context, groups, durationMs);
        if (withGroups.check) checks.push(withGroups.check);
        const rawRate = await deliveryRate(context, "raw-pg", groups, backlog);
        const postbusRate = await deliveryRate(context, "postbus", groups, backlog);
        if (round < 0) continue;
        base.push(zero.perSecond);
        loaded.push(withGroups.perSecond);
        raw.push(rawRate);
        postbus.push(postbusRate);
      }
      cells.push(
        makeCell({
          label: `publisher, ${groups} group${groups > 1 ? "s" : ""}`,
          unit: "events/s",
          baselineName: "same publisher, 0 groups",
          baseline: base,
          postbus: loaded,
          target: { op: ">=", value: 0.97, text: "≥ 0.97 × 0 groups" },
        }),
        makeCell({
          label: `delivery, ${groups} group${groups > 1 ? "s" : ""}`,
          unit: "deliveries/s",
          baselineName: `${groups} raw cursor reader${groups > 1 ? "s" : ""}`,
          baseline: raw,
          postbus,
          target: { op: ">=", value: 0.9, text: "≥ 0.9 × N raw readers" },
        }),
      );
      context.log(`fan-out ${groups}: ${summaryLine(cells.at(-2)!)}; delivery ${summaryLine(cells.at(-1)!)}`);
    }
    // A failing check is reported once per group count, not once per round.
    const merged = new Map<string, Check>();
    for (const check of checks) {
      const seen = merged.get(check.name);
      if (!seen || (seen.ok && !check.ok)) merged.set(check.name, check);
    }
    return {
      cells,
      checks: [...merged.values()],
      throughputs: cells
        .filter((cell) => cell.label.startsWith("delivery"))
        .flatMap((cell) => [
          { label: `fan-out ${cell.label}`, system: "raw", perSecond: cell.baseline!.median },
          { label: `fan-out ${cell.label}`, system: "postbus", perSecond: cell.postbus.median },
        ]),
      notes: [
        `Publisher: Postbus publish from ${PUBLISHERS} connections for ${durationMs / 1000} s, with no group vs N groups subscribed in the consumer process (same 2 cores).`,
        `Delivery: a backlog of ${backlog} events read by N groups (or N raw readers) with a pool of 10 connections, from the consumer process opening to the last delivery.`,
      ],
    };
  },
};
