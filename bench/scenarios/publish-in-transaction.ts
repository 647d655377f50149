import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";
import { alternate, makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { closedLoop } from "../lib/load.js";
import { benchPayload } from "../lib/payload.js";
import { summaryLine } from "../report/summary-line.js";
import type { Scenario } from "./types.js";

const PUBLISHERS = 8;

/**
 * 8 publishers, each running `BEGIN; INSERT INTO bench_orders …; <write the event>; COMMIT`
 * on its own connection. Baseline: the event written by a raw INSERT into `raw_events` in the
 * same transaction (what the issue compares against); Postbus: `bus.publish(…, { tx: client })`
 * with wake-ups on (Postbus learns of the caller's commit and notifies after it). References: the
 * business transaction with no event at all, Postbus with wake-ups off, and a raw INSERT +
 * `pg_notify` inside the transaction (PostgreSQL serializes commits of notifying transactions).
 */
export const publishInTransactionScenario: Scenario = {
  name: "publish-in-tx",
  title: "Publish inside the caller's transaction, wake-ups on, 8 publishers",
  target: "≥ 0.90 of the same transaction with a raw INSERT of the event",
  async run(context) {
    const pool = new pg.Pool({ connectionString: context.db.url, max: PUBLISHERS + 3 });
    const clients = await Promise.all(Array.from({ length: PUBLISHERS }, () => pool.connect()));
    const bus = createPostbus({ db: pool, producer: "bench" });
    const quiet = createPostbus({ db: pool, producer: "bench", wakeups: "off" });
    const durationMs = context.duration(1500);
    const run = (extra: (client: pg.PoolClient, seq: number) => Promise<unknown>) => async () => {
      await resetTables(context.admin);
      const result = await closedLoop({
        workers: PUBLISHERS,
        durationMs,
        op: async (worker, seq) => {
          const client = clients[worker]!;
          await client.query("BEGIN");
          try {
            await client.query("INSERT INTO bench_orders (customer, amount) VALUES ($1, $2)", [
              `customer-${worker}`,
              seq,
            ]);
            await extra(client, seq);
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
          return 1;
        },
      });
      return result.perSecond;
    };
    const payload = (seq: number) => benchPayload({ seq, at: Date.now() });
    const rawInsert = (client: pg.PoolClient, seq: number) =>
      client.query({
        name: "raw_tx_insert",
        text: "INSERT INTO raw_events (channel, data) VALUES ($1, $2)",
        values: ["bench.tx", JSON.stringify(payload(seq))],
      });
    const samples = await alternate({
      rounds: context.rounds,
      baseline: run(rawInsert),
      postbus: run((client, seq) => bus.publish("bench.tx", payload(seq), { tx: client })),
      references: {
        "Postbus with wakeups: off": run((client, seq) =>
          quiet.publish("bench.tx", payload(seq), { tx: client }),
        ),
        "same transaction, no event": run(async () => {}),
        "raw INSERT + pg_notify in the transaction": run((client, seq) =>
          client.query({
            name: "raw_tx_insert_notify",
            text: "WITH i AS (INSERT INTO raw_events (channel, data) VALUES ($1, $2) RETURNING id) SELECT pg_notify('raw_tx', '') FROM i",
            values: ["bench.tx", JSON.stringify(payload(seq))],
          }),
        ),
      },
    });
    for (const client of clients) client.release();
    await bus.close();
    await quiet.close();
    await pool.end();
    const cell = makeCell({
      label: "8 publishers",
      unit: "transactions/s",
      baselineName: "same transaction, raw INSERT of the event",
      baseline: samples.baseline,
      postbus: samples.postbus,
      references: samples.references,
      target: { op: ">=", value: 0.9, text: "≥ 0.90 × raw INSERT in the transaction" },
    });
    context.log(`publish in tx: ${summaryLine(cell)}`);
    for (const reference of cell.references ?? [])
      context.log(
        `  ${reference.name}: ${Math.round(reference.stats.median)} (${reference.ratio.toFixed(3)})`,
      );
    return {
      cells: [cell],
      checks: [],
      throughputs: [
        { label: "transaction, 8 publishers", system: "raw INSERT", perSecond: cell.baseline!.median },
        { label: "transaction, 8 publishers", system: "postbus", perSecond: cell.postbus.median },
        ...(cell.references ?? []).map((reference) => ({
          label: "transaction, 8 publishers",
          system: reference.name,
          perSecond: reference.stats.median,
        })),
      ],
    };
  },
};
