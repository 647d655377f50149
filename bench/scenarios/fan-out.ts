import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";
import { nowMs } from "../lib/clock.js";
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

/**
 * Publishes from `PUBLISHERS` connections for `durationMs` while `groups` readers (0: none)
 * consume in the other process: Postbus publishes to Postbus groups, or the raw publisher (one
 * `INSERT … RETURNING` + `pg_notify` statement per event) to raw LISTEN + cursor readers.
 */
async function publisherRate(
  context: BenchContext,
  system: "raw-pg" | "postbus",
  groups: number,
  durationMs: number,
): Promise<{ perSecond: number; check?: Check }> {
  await resetTables(context.admin);
  const key = cellKey("fan");
  if (groups > 0) await context.consumer.start(system, context.db.url, { key, groups });
  const pool = new pg.Pool({ connectionString: context.db.url, max: PUBLISHERS + 2 });
  await warmPool(pool, PUBLISHERS);
  const bus = createPostbus({ db: pool, producer: "bench" });
  const rawChannel = `raw_${key.replace(/[^a-z0-9]/g, "_")}`;
  let next = 0;
  const { perSecond } = await closedLoop({
    workers: PUBLISHERS,
    durationMs,
    op: async () => {
      const seq = next++;
      if (system === "postbus") await bus.publish(benchChannel(key), benchPayload({ seq, at: Date.now() }));
      else
        await pool.query({
          name: "raw_publish_notify",
          text: "WITH i AS (INSERT INTO raw_events (channel, data) VALUES ($1, $2) RETURNING 1) SELECT pg_notify($3, '') FROM i",
          values: [`bench.${key}`, JSON.stringify(benchPayload({ seq, at: Date.now() })), rawChannel],
        });
      return 1;
    },
  });
  await bus.close();
  await pool.end();
  if (groups === 0) return { perSecond };
  const result = await context.consumer.collect(next, 5000, 60_000);
  if (system === "raw-pg") return { perSecond };
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

/**
 * Delivery rate of a burst to `groups` readers already subscribed in the other
 * process (raw cursor readers or Postbus groups): `burst` events committed in one
 * transaction, from just before that commit to the last delivery.
 */
async function deliveryRate(
  context: BenchContext,
  system: "raw-pg" | "postbus",
  groups: number,
  burst: number,
): Promise<number> {
  await resetTables(context.admin);
  const key = cellKey("fanout");
  await context.consumer.start(system, context.db.url, { key, groups });
  const payloads = Array.from({ length: burst }, (_, seq) => benchPayload({ seq, at: Date.now() }));
  const started = nowMs();
  if (system === "raw-pg") {
    await context.admin.query(
      "WITH i AS (INSERT INTO raw_events (channel, data) SELECT $1, d FROM unnest($2::jsonb[]) AS d RETURNING 1) SELECT pg_notify($3, '') FROM (SELECT count(*) FROM i) AS n",
      [
        `bench.${key}`,
        payloads.map((payload) => JSON.stringify(payload)),
        `raw_${key.replace(/[^a-z0-9]/g, "_")}`,
      ],
    );
  } else {
    const bus = createPostbus({ db: context.admin });
    await bus.publishMany(payloads.map((data) => ({ type: benchChannel(key), data })));
    await bus.close();
  }
  const result = await context.consumer.collect(burst, 5000, 120_000);
  const delivered = result.groups.reduce((sum, group) => sum + group.unique, 0);
  if (delivered < burst * groups) throw new Error(`${system}: delivered ${delivered} of ${burst * groups}`);
  return (delivered * 1000) / (result.lastAt - started);
}

/**
 * Fan-out to 1, 4, 16 and 64 consumer groups: the publisher's rate while the groups
 * consume (vs no groups), and the delivery rate of a backlog to N groups (vs N raw
 * cursor readers on the same pool size).
 */
export const fanOutScenario: Scenario = {
  name: "fan-out",
  title: "Fan-out to consumer groups",
  target:
    "publisher with N groups ≥ 0.90 of the raw publisher with N raw readers; delivery ≥ 0.80 of N × raw cursor read",
  async run(context) {
    const cells: Cell[] = [];
    const checks: Check[] = [];
    const rounds = Math.min(context.rounds, 3);
    const durationMs = context.duration(2500);
    const backlog = context.quick ? 300 : 2000;
    for (const groups of context.quick ? [1, 16] : GROUPS) {
      const base: number[] = [];
      const loaded: number[] = [];
      const rawLoaded: number[] = [];
      const raw: number[] = [];
      const postbus: number[] = [];
      for (let round = -1; round < rounds; round++) {
        // ABBA: odd rounds measure Postbus first.
        const order: Array<"raw-pg" | "postbus"> =
          round % 2 === 0 ? ["raw-pg", "postbus"] : ["postbus", "raw-pg"];
        const zero = await publisherRate(context, "postbus", 0, durationMs);
        const rates: Record<string, { perSecond: number; check?: Check }> = {};
        for (const system of order) rates[system] = await publisherRate(context, system, groups, durationMs);
        const withGroups = rates.postbus!;
        if (withGroups.check) checks.push(withGroups.check);
        const delivery: Record<string, number> = {};
        for (const system of order) delivery[system] = await deliveryRate(context, system, groups, backlog);
        const rawRate = delivery["raw-pg"]!;
        const postbusRate = delivery.postbus!;
        if (round < 0) continue;
        base.push(zero.perSecond);
        loaded.push(withGroups.perSecond);
        rawLoaded.push(rates["raw-pg"]!.perSecond);
        raw.push(rawRate);
        postbus.push(postbusRate);
      }
      cells.push(
        makeCell({
          label: `publisher, ${groups} group${groups > 1 ? "s" : ""}`,
          unit: "events/s",
          baselineName: `raw publisher, ${groups} raw reader${groups > 1 ? "s" : ""}`,
          baseline: rawLoaded,
          postbus: loaded,
          references: { "Postbus publisher, 0 groups": base },
          target: { op: ">=", value: 0.9, text: "≥ 0.90 × raw publisher with N raw readers" },
        }),
        makeCell({
          label: `delivery, ${groups} group${groups > 1 ? "s" : ""}`,
          unit: "deliveries/s",
          baselineName: `${groups} raw cursor reader${groups > 1 ? "s" : ""}`,
          baseline: raw,
          postbus,
          target: { op: ">=", value: 0.8, text: "≥ 0.80 × N raw readers" },
        }),
      );
      context.log(`fan-out ${groups}: ${summaryLine(cells.at(-2)!)}; delivery ${summaryLine(cells.at(-1)!)}`);
    }
    return {
      cells,
      checks,
      throughputs: cells
        .filter((cell) => cell.label.startsWith("delivery"))
        .flatMap((cell) => [
          { label: `fan-out ${cell.label}`, system: "raw", perSecond: cell.baseline!.median },
          { label: `fan-out ${cell.label}`, system: "postbus", perSecond: cell.postbus.median },
        ]),
      notes: [
        `Publisher: Postbus publish from ${PUBLISHERS} connections for ${durationMs / 1000} s with N groups subscribed in the consumer process, vs the raw publisher (INSERT … RETURNING + pg_notify per event) with N raw LISTEN + cursor readers there (same 2 cores); the Postbus publisher with no group is a reference row.`,
        `Delivery: N groups (or N raw cursor readers) already subscribed in the consumer process, with a pool of 10 connections; ${backlog} events committed in one transaction (Postbus publishMany / raw INSERT … unnest + pg_notify); from just before that commit to the last of the N × ${backlog} deliveries.`,
      ],
    };
  },
};
