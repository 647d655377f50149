import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const TOTAL = 1_000_000;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, logger: silent });
});
afterAll(() => bus.close());

/** Events a cursor list does not protect, computed per channel from the slowest group: another formulation than prune's. */
const EXPECTED_SQL = `
CREATE TABLE expected AS
SELECT e.id FROM events AS e
LEFT JOIN LATERAL (
  SELECT c.tx, c.id FROM postbus_cursors AS c
  WHERE c.channel = e.channel AND c.group_name <> 'pr-ignored'
  ORDER BY c.tx, c.id LIMIT 1
) AS slowest ON true
WHERE e.created_at < now() - interval '1 day'
  AND (slowest.tx IS NULL OR (e.tx, e.id) <= (slowest.tx, slowest.id))
  AND NOT (e.data->'metadata' ? 'reply_to' AND NOT EXISTS (
    SELECT 1 FROM events AS r WHERE r.data->'metadata'->>'request_id' = e.data->'metadata'->>'event_id'))`;

describe("prune", () => {
  it(`on ${TOTAL.toLocaleString("en-US")} events removes exactly the events every group has passed, under concurrent publishing`, async () => {
    // Four transactions (four tx values), ten days old, on four channels; one statement each.
    for (let part = 0; part < 4; part += 1) {
      await pool.query(
        `INSERT INTO events (channel, data, created_at)
         SELECT 'pr.c' || (n % 4), jsonb_build_object('event_type', 'pr.e', 'data', jsonb_build_object('n', n), 'metadata', '{}'::jsonb),
           now() - interval '10 days'
         FROM generate_series($1::int, $2::int) AS n`,
        [part * (TOTAL / 4) + 1, (part + 1) * (TOTAL / 4)],
      );
    }
    // Old requests: one answered, one still waiting (expires in an hour), both on pr.c0 and passed by every group.
    const answeredId = "00000000-0000-4000-8000-000000000001";
    const waitingId = "00000000-0000-4000-8000-000000000002";
    await pool.query(
      `INSERT INTO events (channel, data, created_at) VALUES
        ('pr.c0', jsonb_build_object('event_type','pr.req','data','{}'::jsonb,'metadata', jsonb_build_object('event_id', $1::text, 'reply_to', 'pr.replies', 'expires_at', to_char((now() + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))), now() - interval '10 days'),
        ('pr.c0', jsonb_build_object('event_type','pr.req','data','{}'::jsonb,'metadata', jsonb_build_object('event_id', $2::text, 'reply_to', 'pr.replies', 'expires_at', to_char((now() + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))), now() - interval '10 days'),
        ('pr.replies', jsonb_build_object('event_type','pr.res','data','{}'::jsonb,'metadata', jsonb_build_object('request_id', $1::text)), now() - interval '10 days')`,
      [answeredId, waitingId],
    );
    await deliverable(pool);
    const at = async (n: number) =>
      (await pool.query("SELECT tx::text, id FROM events WHERE (data->'data'->>'n')::int = $1", [n])).rows[0];
    const slowAt = await at(300_001);
    // Groups: pr-fast has read everything; pr-slow stopped at n = 300,000 on pr.c1 and reads pr.c2
    // from the start; pr-ignored reads pr.c3 from the start but does not hold retention back.
    const horizon = (await pool.query("SELECT max(tx)::text AS tx, max(id) AS id FROM events")).rows[0];
    await pool.query(
      "INSERT INTO postbus_groups (name) VALUES ('pr-fast'), ('pr-slow'), ('pr-slow2'), ('pr-ignored')",
    );
    await pool.query(
      `INSERT INTO postbus_cursors (group_name, channel, tx, id)
       SELECT 'pr-fast', ch, $1::xid8, $2::int FROM unnest(ARRAY['pr.c0','pr.c1','pr.c2','pr.c3','pr.replies']) AS ch
       UNION ALL SELECT 'pr-slow', 'pr.c1', $3::xid8, $4::int
       UNION ALL SELECT 'pr-slow2', 'pr.c2', '0', 0
       UNION ALL SELECT 'pr-ignored', 'pr.c3', '0', 0`,
      [horizon.tx, horizon.id, slowAt.tx, slowAt.id],
    );
    await pool.query(EXPECTED_SQL);
    const expected = Number((await pool.query("SELECT count(*) FROM expected")).rows[0].count);
    const before = Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);

    const dry = await bus.prune({ olderThan: 86_400_000, dryRun: true, ignoreGroups: ["pr-ignored"] });
    expect(dry.deleted).toBe(expected);
    expect(Number((await pool.query("SELECT count(*) FROM events")).rows[0].count)).toBe(before);

    // Publishing goes on while it prunes: one publisher, single events, counted.
    let publishing = true;
    const published: number[] = [];
    const publisher = (async () => {
      while (publishing) published.push((await bus.publish("pr.c1", { live: true })).id);
    })();
    // Baseline: publish throughput alone, for the same time window as a first second.
    const result = await bus.prune({ olderThan: 86_400_000, ignoreGroups: ["pr-ignored"] });
    publishing = false;
    await publisher;
    const duringPrune = published.length;
    published.length = 0;
    publishing = true;
    const baselineStart = performance.now();
    const baseline = (async () => {
      while (publishing) published.push((await bus.publish("pr.c1", { live: true })).id);
    })();
    await new Promise((resolve) => setTimeout(resolve, Math.min(result.durationMs, 5_000)));
    publishing = false;
    await baseline;
    const baselineRate = published.length / ((performance.now() - baselineStart) / 1000);
    const pruneRate = duringPrune / (result.durationMs / 1000);
    console.log(
      `PRUNE: ${result.deleted} of ${before} events deleted in ${result.batches} batches, ${result.durationMs} ms (${Math.round(result.deleted / (result.durationMs / 1000))} events/s); concurrent publishes ${duringPrune} (${pruneRate.toFixed(0)}/s) vs ${baselineRate.toFixed(0)}/s alone (${(pruneRate / baselineRate).toFixed(2)}×)`,
    );

    expect(result.deleted).toBe(expected);
    // Exactly the expected set is gone, everything else is there, live events included.
    expect(
      Number((await pool.query("SELECT count(*) FROM expected JOIN events USING (id)")).rows[0].count),
    ).toBe(0);
    expect(Number((await pool.query("SELECT count(*) FROM events")).rows[0].count)).toBe(
      before - expected + duringPrune + published.length,
    );
    const live = await pool.query("SELECT count(*) FROM events WHERE data->'data'->>'live' = 'true'");
    expect(Number(live.rows[0].count)).toBe(duringPrune + published.length);
    // What groups still need is there: pr-slow's next event on pr.c1, all of pr.c2 (pr-slow2 at the start).
    expect(
      (await pool.query("SELECT count(*) FROM events WHERE id = $1", [slowAt.id + 4])).rows[0].count,
    ).toBe("1");
    expect(
      Number((await pool.query("SELECT count(*) FROM events WHERE channel = 'pr.c2'")).rows[0].count),
    ).toBe(TOTAL / 4);
    // pr.c3 was pruned despite pr-ignored at the start; the waiting request stays, the answered one and its reply go.
    expect(
      Number((await pool.query("SELECT count(*) FROM events WHERE channel = 'pr.c3'")).rows[0].count),
    ).toBe(0);
    const requests = await pool.query(
      "SELECT data->'metadata'->>'event_id' AS id FROM events WHERE data->>'event_type' = 'pr.req'",
    );
    expect(requests.rows.map((row) => row.id)).toEqual([waitingId]);
    // A second run finds nothing more.
    expect((await bus.prune({ olderThan: 86_400_000, ignoreGroups: ["pr-ignored"] })).deleted).toBe(0);
  }, 600_000);

  it("postbus prune --dry-run counts and deletes nothing; bad durations are usage errors", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const run = (...argv: string[]) =>
      runCli([...argv, "--database-url", db.url], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
    const before = (await pool.query("SELECT count(*) FROM events")).rows[0].count;
    expect(await run("prune", "--older-than", "1d", "--dry-run")).toBe(0);
    expect(out[0]).toMatch(/^would delete \d+ events? written before /);
    expect((await pool.query("SELECT count(*) FROM events")).rows[0].count).toBe(before);
    expect(await run("prune", "--older-than", "soon")).toBe(2);
    expect(await run("prune")).toBe(2);
    expect(err.join("\n")).toContain("--older-than must be a number and a unit");
  });
});
