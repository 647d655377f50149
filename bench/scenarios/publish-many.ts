import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";
import { insertEventsSql } from "../../packages/client/src/sql/insert-events.js";
import { clientCostMicros, envelopeJson, rawClientCostMicros } from "../lib/client-cost.js";
import { alternate, makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { closedLoop } from "../lib/load.js";
import { benchPayload } from "../lib/payload.js";
import { warmPool } from "../lib/warm-pool.js";
import { summaryLine } from "../report/summary-line.js";
import type { Cell, Scenario } from "./types.js";

/**
 * Batches of 100 and 1,000 events per statement, one publisher: `publishMany`
 * vs a raw `INSERT … SELECT FROM unnest($1::varchar[], $2::jsonb[])`.
 */
export const publishManyScenario: Scenario = {
  name: "publish-many",
  title: "publishMany, one batch per transaction",
  target: "≥ 0.90 of a raw unnest batch insert, batches of 100 and 1,000",
  async run(context) {
    const cells: Cell[] = [];
    const pool = new pg.Pool({ connectionString: context.db.url, max: 3 });
    await warmPool(pool, 2);
    const bus = createPostbus({ db: pool, producer: "bench" });
    for (const size of [100, 1000]) {
      const durationMs = context.duration(1500);
      const batch = (offset: number) =>
        Array.from({ length: size }, (_, index) => benchPayload({ seq: offset + index, at: Date.now() }));
      const raw = async () => {
        await resetTables(context.admin);
        return (
          await closedLoop({
            workers: 1,
            durationMs,
            op: async (_, iteration) => {
              const payloads = batch(iteration * size);
              await pool.query({
                name: "raw_publish_many",
                text: "INSERT INTO raw_events (channel, data) SELECT * FROM unnest($1::varchar[], $2::jsonb[])",
                values: [
                  payloads.map(() => "bench.many"),
                  payloads.map((payload) => JSON.stringify(payload)),
                ],
              });
              return size;
            },
          })
        ).perSecond;
      };
      const postbus = async () => {
        await resetTables(context.admin);
        return (
          await closedLoop({
            workers: 1,
            durationMs,
            op: async (_, iteration) => {
              await bus.publishMany(batch(iteration * size).map((data) => ({ type: "bench.many", data })));
              return size;
            },
          })
        ).perSecond;
      };
      const statementOnly = async () => {
        await resetTables(context.admin);
        const sql = insertEventsSql('"public"');
        const channels = Array.from({ length: size }, () => "bench.many");
        return (
          await closedLoop({
            workers: 1,
            durationMs,
            op: async () => {
              const envelopes = Array.from({ length: size }, (_, index) => envelopeJson(index));
              const json = `[${envelopes.map((envelope) => envelope.json).join(",")}]`;
              await pool.query({
                name: "bench-postbus-insert",
                text: sql,
                values: [channels, json, envelopes.map((envelope) => envelope.eventId)],
              });
              return size;
            },
          })
        ).perSecond;
      };
      const samples = await alternate({
        rounds: context.rounds,
        baseline: raw,
        postbus,
        references: { "Postbus's INSERT statement sent from raw pg (named)": statementOnly },
      });
      cells.push(
        makeCell({
          label: `batches of ${size}`,
          unit: "events/s",
          baselineName: "raw unnest INSERT",
          baseline: samples.baseline,
          postbus: samples.postbus,
          references: samples.references,
          target: { op: ">=", value: 0.9, text: "≥ 0.90 × raw unnest" },
        }),
      );
      context.log(`publishMany ${size}: ${summaryLine(cells.at(-1)!)}`);
    }
    await bus.close();
    await pool.end();
    const costs = {
      one: await clientCostMicros(1),
      hundred: await clientCostMicros(100),
      thousand: await clientCostMicros(1000),
    };
    const rawCost = rawClientCostMicros();
    context.log(
      `client-side µs/event: publish ${costs.one.toFixed(1)}, publishMany(100) ${costs.hundred.toFixed(1)}, publishMany(1000) ${costs.thousand.toFixed(1)}; raw JSON.stringify ${rawCost.toFixed(1)}`,
    );
    return {
      cells,
      checks: [],
      details: { clientMicrosPerEvent: costs, rawClientMicrosPerEvent: rawCost },
      notes: [
        `Client-side work of Postbus alone (an executor that answers instantly, so no database): ${costs.one.toFixed(1)} µs per event for \`publish\`, ${costs.hundred.toFixed(1)} µs per event in batches of 100 and ${costs.thousand.toFixed(1)} µs in batches of 1,000 (name and JSON checks, envelope with two UUIDs, serialization, rows mapped back); the raw baseline's \`JSON.stringify\` is ${rawCost.toFixed(1)} µs per event. This CPU shares the machine's 2 cores with PostgreSQL.`,
        "The reference row runs Postbus's own INSERT statement (ROWS FROM unnest + jsonb_array_elements + unnest of the event ids, ON CONFLICT (event_id) DO NOTHING, RETURNING id, tx, created_at, event_id) from raw pg as a named statement with pre-built envelopes: the statement's server-side cost without the client's. The raw baselines send unnamed statements, as node-postgres does by default.",
      ],
      throughputs: cells.flatMap((cell) => [
        { label: `publishMany, ${cell.label}`, system: "raw", perSecond: cell.baseline!.median },
        { label: `publishMany, ${cell.label}`, system: "postbus", perSecond: cell.postbus.median },
      ]),
    };
  },
};
