import pg from "pg";
import { createPostbus, type Postbus } from "../../packages/client/src/index.js";
import { insertEventSql } from "../../packages/client/src/sql/insert-events.js";
import { envelopeJson } from "../lib/client-cost.js";
import { alternate, makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { closedLoop } from "../lib/load.js";
import { benchPayload } from "../lib/payload.js";
import { warmPool } from "../lib/warm-pool.js";
import { summaryLine } from "../report/summary-line.js";
import type { Cell, Scenario } from "./types.js";

const TARGET = { op: ">=", value: 0.9, text: "≥ 0.90 × raw INSERT" } as const;

/**
 * One event per transaction (autocommit), 1 and 8 concurrent publishers:
 * `bus.publish` vs a raw `INSERT INTO raw_events (channel, data) VALUES ($1, $2)`
 * into a table with the same columns and index and no trigger.
 */
export const publishScenario: Scenario = {
  name: "publish",
  title: "Publish, one event per transaction",
  target: "≥ 0.90 of a raw INSERT, 1 and 8 concurrent publishers",
  async run(context) {
    const cells: Cell[] = [];
    for (const publishers of [1, 8]) {
      const pool = new pg.Pool({ connectionString: context.db.url, max: publishers + 2 });
      await warmPool(pool, publishers + 1);
      const bus = createPostbus({ db: pool, producer: "bench" });
      const quiet = createPostbus({ db: pool, producer: "bench", wakeups: "off" });
      const spaced = createPostbus({ db: pool, producer: "bench", wakeupIntervalMs: 5 });
      const durationMs = context.duration(1500);
      const raw = async () => {
        await resetTables(context.admin);
        const result = await closedLoop({
          workers: publishers,
          durationMs,
          op: async (_, seq) => {
            await pool.query({
              name: "raw_publish",
              text: "INSERT INTO raw_events (channel, data) VALUES ($1, $2)",
              values: ["bench.publish", JSON.stringify(benchPayload({ seq, at: Date.now() }))],
            });
            return 1;
          },
        });
        return result.perSecond;
      };
      const publishWith = (client: Postbus) => async () => {
        await resetTables(context.admin);
        const result = await closedLoop({
          workers: publishers,
          durationMs,
          op: async (_, seq) => {
            await client.publish("bench.publish", benchPayload({ seq, at: Date.now() }));
            return 1;
          },
        });
        return result.perSecond;
      };
      const statementOnly = async () => {
        await resetTables(context.admin);
        const sql = insertEventSql('"public"');
        const result = await closedLoop({
          workers: publishers,
          durationMs,
          op: async (_, seq) => {
            const { json, eventId } = envelopeJson(seq, "bench.publish");
            await pool.query({
              name: "bench-postbus-insert",
              text: sql,
              values: ["bench.publish", json, eventId],
            });
            return 1;
          },
        });
        return result.perSecond;
      };
      const samples = await alternate({
        rounds: context.rounds,
        baseline: raw,
        postbus: publishWith(bus),
        references: {
          "Postbus with wakeups: off (no NOTIFY)": publishWith(quiet),
          "Postbus with wakeupIntervalMs: 5 (at most one NOTIFY per 5 ms)": publishWith(spaced),
          "Postbus's INSERT statement sent from raw pg (named)": statementOnly,
        },
      });
      cells.push(
        makeCell({
          label: `${publishers} publisher${publishers > 1 ? "s" : ""}`,
          unit: "events/s",
          baselineName: "raw INSERT",
          baseline: samples.baseline,
          postbus: samples.postbus,
          references: samples.references,
          target: TARGET,
        }),
      );
      context.log(`publish ×${publishers}: ${summaryLine(cells.at(-1)!)}`);
      for (const reference of cells.at(-1)!.references ?? [])
        context.log(
          `  ${reference.name}: ${Math.round(reference.stats.median)} (${reference.ratio.toFixed(3)})`,
        );
      await bus.close();
      await quiet.close();
      await spaced.close();
      await pool.end();
    }
    return {
      cells,
      checks: [],
      throughputs: cells.flatMap((cell) => [
        { label: `publish, ${cell.label}`, system: "raw", perSecond: cell.baseline!.median },
        { label: `publish, ${cell.label}`, system: "postbus", perSecond: cell.postbus.median },
      ]),
    };
  },
};
