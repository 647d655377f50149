import { createPostbus } from "../../packages/client/src/index.js";
import { nowMs } from "../lib/clock.js";
import { alternate, makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { benchPayload } from "../lib/payload.js";
import { summaryLine } from "../report/summary-line.js";
import type { BenchContext, Cell, Check, Scenario } from "./types.js";

const PAGE = 1000;
const BUSY = "bench.busy";
const QUIET = "bench.quiet";

/** Writes the backlog: `busy` events on one channel with a 1% channel interleaved; the raw table gets a copy. */
async function loadBacklog(context: BenchContext, busy: number): Promise<number> {
  await resetTables(context.admin);
  const bus = createPostbus({ db: context.admin, wakeups: "off", producer: "bench" });
  let quiet = 0;
  for (let offset = 0; offset < busy; offset += PAGE) {
    const items = [];
    for (let seq = offset; seq < Math.min(busy, offset + PAGE); seq++) {
      items.push({ type: BUSY, data: benchPayload({ seq, at: Date.now() }) });
      if (seq % 100 === 99) items.push({ type: QUIET, data: benchPayload({ seq: quiet++, at: Date.now() }) });
    }
    await bus.publishMany(items);
  }
  await bus.close();
  await context.admin.query(
    "INSERT INTO raw_events (id, channel, data, created_at, tx) SELECT id, channel, data, created_at, tx FROM events",
  );
  await context.admin.query("VACUUM ANALYZE events");
  await context.admin.query("VACUUM ANALYZE raw_events");
  return quiet;
}

/** Reads a channel of raw_events by keyset pages; with `cursor`, each page in a transaction that saves the cursor. */
async function rawRead(context: BenchContext, channel: string, cursor: boolean): Promise<number> {
  const client = await context.admin.connect();
  let count = 0;
  try {
    if (cursor)
      await client.query(
        "INSERT INTO raw_cursors (reader, last_id) VALUES ('catch-up', 0) ON CONFLICT (reader) DO UPDATE SET last_id = 0",
      );
    let after = 0;
    for (;;) {
      if (cursor) await client.query("BEGIN");
      const { rows } = await client.query<{ id: number }>({
        name: "raw_catch_up_page",
        text: "SELECT id, channel, data, created_at FROM raw_events WHERE channel = $1 AND id > $2 ORDER BY id LIMIT $3",
        values: [channel, after, PAGE],
      });
      if (rows.length > 0) after = rows.at(-1)!.id;
      if (cursor) {
        await client.query({
          name: "raw_catch_up_cursor",
          text: "UPDATE raw_cursors SET last_id = $1 WHERE reader = 'catch-up'",
          values: [after],
        });
        await client.query("COMMIT");
      }
      count += rows.length;
      if (rows.length < PAGE) return count;
    }
  } finally {
    client.release();
  }
}

let groupCounter = 0;

/**
 * Catch-up read of a 100k-event backlog: `readEvents` page by page vs a raw keyset
 * read, and a consumer group draining it vs a raw keyset reader saving its cursor
 * per page. Also a channel with 1% of the traffic read as fast as the busy one.
 */
export const catchUpScenario: Scenario = {
  name: "catch-up",
  title: "Catch-up read of a 100k-event backlog",
  target: "≥ 0.90 of a raw keyset read + saved cursor; a 1% channel read as fast as a busy one",
  async run(context) {
    const busy = context.quick ? 20_000 : 100_000;
    const loadStarted = nowMs();
    const quiet = await loadBacklog(context, busy);
    context.log(
      `backlog: ${busy} + ${quiet} events loaded in ${Math.round((nowMs() - loadStarted) / 1000)} s`,
    );
    const bus = createPostbus({ db: context.admin });
    const checks: Check[] = [];
    const rate = async (work: () => Promise<number>, expected: number, name: string) => {
      const started = nowMs();
      const count = await work();
      const elapsed = nowMs() - started;
      if (count !== expected) checks.push({ name, ok: false, detail: `read ${count} of ${expected}` });
      return (count * 1000) / elapsed;
    };
    const readAll = async (channel: string) => {
      let after: string | undefined;
      let count = 0;
      for (;;) {
        const page = await bus.readEvents(channel, { after, limit: PAGE });
        count += page.length;
        if (page.length < PAGE) return count;
        after = page.at(-1)!.position;
      }
    };
    const drainAll = async (channel: string) => {
      let count = 0;
      await bus.drain({
        group: `catch-up-${++groupCounter}`,
        channels: [channel],
        batchSize: PAGE,
        handler: () => void count++,
      });
      return count;
    };
    const cells: Cell[] = [];
    const reads = await alternate({
      rounds: context.rounds,
      baseline: () => rate(() => rawRead(context, BUSY, false), busy, "raw keyset read"),
      postbus: () => rate(() => readAll(BUSY), busy, "Postbus readEvents reads the whole backlog"),
    });
    cells.push(
      makeCell({
        label: `readEvents, pages of ${PAGE}`,
        unit: "events/s",
        baselineName: "raw keyset read",
        baseline: reads.baseline,
        postbus: reads.postbus,
        target: { op: ">=", value: 0.95, text: "≥ 0.95 × raw keyset" },
      }),
    );
    context.log(`catch-up readEvents: ${summaryLine(cells.at(-1)!)}`);
    const drains = await alternate({
      rounds: context.rounds,
      baseline: () => rate(() => rawRead(context, BUSY, true), busy, "raw keyset read with cursor"),
      postbus: () => rate(() => drainAll(BUSY), busy, "a consumer group drains the whole backlog"),
    });
    cells.push(
      makeCell({
        label: `consumer group, batches of ${PAGE}`,
        unit: "events/s",
        baselineName: "raw keyset read + cursor saved per page",
        baseline: drains.baseline,
        postbus: drains.postbus,
        target: { op: ">=", value: 0.9, text: "≥ 0.90 × raw keyset + cursor" },
      }),
    );
    context.log(`catch-up consumer group: ${summaryLine(cells.at(-1)!)}`);
    const quietReads = await alternate({
      rounds: context.rounds,
      baseline: () => rate(() => readAll(BUSY), busy, "busy channel read"),
      postbus: () => rate(() => readAll(QUIET), quiet, "the 1% channel is read whole"),
      references: {
        "raw keyset read of the 1% channel": () =>
          rate(() => rawRead(context, QUIET, false), quiet, "raw 1% read"),
      },
    });
    cells.push(
      makeCell({
        label: `1% channel (${quiet} of ${busy + quiet} events)`,
        unit: "events/s",
        baselineName: "Postbus readEvents of the busy channel",
        baseline: quietReads.baseline,
        postbus: quietReads.postbus,
        references: quietReads.references,
        target: { op: ">=", value: 0.9, text: "≥ 0.9 × busy channel" },
      }),
    );
    context.log(`catch-up 1% channel: ${summaryLine(cells.at(-1)!)}`);
    await bus.close();
    if (checks.length === 0) {
      checks.push({
        name: "every backlog read returns every event of its channel",
        ok: true,
        detail: `${busy} busy and ${quiet} quiet events, each read complete in every round`,
      });
    }
    return {
      cells,
      checks,
      throughputs: cells
        .map((cell) => ({
          label: `catch-up ${cell.label}`,
          system: "postbus",
          perSecond: cell.postbus.median,
        }))
        .flatMap((t, index) => [
          {
            label: t.label,
            system: index === 2 ? "postbus busy channel" : "raw",
            perSecond: cells[index]!.baseline!.median,
          },
          t,
        ]),
    };
  },
};
