/**
 * Outcomes counted in the database: what was published (the events table is the truth — a
 * rolled-back publish leaves no row), what each group's handlers committed (`fault_handled`,
 * written in the batch's transaction), and from that the lost, duplicated and reordered events.
 */
import { fromPool, migrate } from "@postbus/client";
import type pg from "pg";
import { sleep } from "./members.js";

/** A consumer group and the channels it reads. */
export interface GroupUnderTest {
  readonly group: string;
  readonly channels: readonly string[];
}

/** The counts a scenario reports; every one but `events` must be 0. */
export interface Outcome {
  /** Events in the table on the scenario's channels. */
  readonly events: number;
  /** (group, event) pairs with no committed handler row. */
  readonly lost: number;
  /** Second and later committed handlings of an event by the same group. */
  readonly duplicated: number;
  /** Handler rows of a key whose `seq` is not above the key's previous row in handling order. */
  readonly outOfOrder: number;
  /** Events of rolled-back publishes (`data.rolledBack`) that are in the table anyway. */
  readonly phantom: number;
}

/** Migrates Postbus and creates the handler table in the database `pool` is on. */
export async function prepareFaultDatabase(pool: pg.Pool): Promise<void> {
  await migrate(fromPool(pool));
  await pool.query(`
    CREATE TABLE IF NOT EXISTS fault_handled (
      grp text NOT NULL,
      event_id integer NOT NULL,
      key text NOT NULL,
      seq integer NOT NULL,
      member text NOT NULL,
      handled_order bigserial NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      dups integer NOT NULL DEFAULT 0,
      PRIMARY KEY (grp, event_id)
    )`);
}

/** Counts the outcome for `groups` now. */
export async function countOutcome(pool: pg.Pool, groups: readonly GroupUnderTest[]): Promise<Outcome> {
  const names = groups.map((g) => g.group);
  const channels = groups.map((g) => g.channels.join(","));
  const { rows } = await pool.query<{
    events: number;
    lost: number;
    duplicated: number;
    out_of_order: number;
    phantom: number;
  }>(
    `WITH g AS (
       SELECT name, string_to_array(chans, ',') AS channels FROM unnest($1::text[], $2::text[]) AS u(name, chans)
     )
     SELECT
       (SELECT count(*) FROM events e WHERE e.channel = ANY (SELECT unnest(channels) FROM g))::int AS events,
       (SELECT count(*) FROM g JOIN events e ON e.channel = ANY (g.channels)
         WHERE NOT EXISTS (SELECT 1 FROM fault_handled h WHERE h.grp = g.name AND h.event_id = e.id))::int AS lost,
       (SELECT coalesce(sum(dups), 0) FROM fault_handled WHERE grp = ANY ($1))::int
         + (SELECT count(*) FROM fault_handled h WHERE h.grp = ANY ($1)
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = h.event_id))::int AS duplicated,
       (SELECT count(*) FROM (
          SELECT seq, lag(seq) OVER (PARTITION BY grp, key ORDER BY handled_order) AS previous
            FROM fault_handled WHERE grp = ANY ($1)) AS ordered
         WHERE previous >= seq)::int AS out_of_order,
       (SELECT count(*) FROM events e WHERE e.channel = ANY (SELECT unnest(channels) FROM g)
         AND (e.data -> 'data' ->> 'rolledBack') = 'true')::int AS phantom`,
    [names, channels],
  );
  const row = rows[0]!;
  return {
    events: row.events,
    lost: row.lost,
    duplicated: row.duplicated,
    outOfOrder: row.out_of_order,
    phantom: row.phantom,
  };
}

/** Counts until nothing is lost or `timeoutMs` passes (members catching up); returns the last count. */
export async function settledOutcome(
  pool: pg.Pool,
  groups: readonly GroupUnderTest[],
  timeoutMs = 30_000,
): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await countOutcome(pool, groups);
    if (outcome.lost === 0 || Date.now() > deadline) return outcome;
    await sleep(200);
  }
}

/**
 * Seconds from `sinceMs` (epoch ms) to the first handler row committed after it (in `group`, or
 * any group), waiting up to `timeoutMs`; `undefined` when none came.
 */
export async function recoverySeconds(
  pool: pg.Pool,
  sinceMs: number,
  options: { group?: string; timeoutMs?: number } = {},
): Promise<number | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { rows } = await pool.query<{ at: number | null }>(
      `SELECT (extract(epoch FROM min(handled_at)) * 1000)::float8 AS at FROM fault_handled
        WHERE handled_at > to_timestamp($1::float8 / 1000) AND ($2::text IS NULL OR grp = $2)`,
      [sinceMs, options.group ?? null],
    );
    const at = rows[0]?.at;
    if (at !== null && at !== undefined) return (at - sinceMs) / 1000;
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}
