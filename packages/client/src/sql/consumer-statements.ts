import { CLAIMED_COLUMNS, createdMs, EVENT_COLUMNS } from "./select-latest-events.js";
/**
 * The statements of the consuming side, built once per client for its quoted
 * schema. Each is documented where it is defined; parameters are always bound.
 */

/** First key of a consumer group's advisory lock ("pbgr"); the second is `hashtext(schema.group)`. */
export const GROUP_LOCK_NAMESPACE = 0x70626772;

/**
 * Takes the group's lease for the rest of the transaction without waiting, and sets the batch's
 * server-side deadline. An advisory lock, not `FOR UPDATE`: it assigns no transaction id, so a
 * batch being handled does not hold back `pg_snapshot_xmin` — and with it every other reader —
 * until it writes. The deadline: $1 `schema.group`, $2 a duration such as `'15000ms'`, used both as
 * `statement_timeout` and as `idle_in_transaction_session_timeout`. A member that stalls
 * mid-batch (frozen, partitioned) is then ended by the server within twice $2 — one statement
 * cut short, one idle period — which releases its lease and its transaction id.
 */
export const TRY_LEASE_WITH_DEADLINE_SQL = `SELECT pg_try_advisory_xact_lock(${GROUP_LOCK_NAMESPACE}, hashtext($1)) AS held,
  set_config('statement_timeout', $2::text, true) IS NOT NULL
  AND set_config('idle_in_transaction_session_timeout', $2::text, true) IS NOT NULL AS deadline_set`;

/** Waits for the group's lease (for resets, which must not run beside a batch): $1 `schema.group`. */
export const WAIT_LEASE_SQL = `SELECT pg_advisory_xact_lock(${GROUP_LOCK_NAMESPACE}, hashtext($1))`;

/** Builds the consumer statements for a quoted schema. */
export function consumerStatements(schema: string) {
  return Object.freeze({
    /** Creates the group if missing: $1 group. */
    ensureGroup: `INSERT INTO ${schema}.postbus_groups (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`,

    /** Adds cursors for channels the group does not read yet: $1 group, $2 channels, $3 tx[], $4 id[]. */
    addCursors: `INSERT INTO ${schema}.postbus_cursors (group_name, channel, tx, id)
SELECT $1, v.channel, v.tx, v.id FROM unnest($2::varchar[], $3::xid8[], $4::int[]) AS v(channel, tx, id)
ON CONFLICT (group_name, channel) DO NOTHING`,

    /** Sets cursors, forwards or backwards (reset, rewind): same parameters as addCursors. */
    setCursors: `INSERT INTO ${schema}.postbus_cursors (group_name, channel, tx, id)
SELECT $1, v.channel, v.tx, v.id FROM unnest($2::varchar[], $3::xid8[], $4::int[]) AS v(channel, tx, id)
ON CONFLICT (group_name, channel) DO UPDATE SET tx = EXCLUDED.tx, id = EXCLUDED.id, updated_at = now()`,

    /** The horizon every start position is taken below: rows of transactions at or above it are still to come. */
    horizon: "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin",

    /**
     * The first event in delivery order of each channel written at or after a time: $1 channels,
     * $2 time. A group that starts from the time starts just before it (and never beyond the
     * horizon), so no event written after the time is skipped, whatever order its transaction
     * took its id in. Scans the channel in (tx, id) order up to that event: a one-time cost when a
     * group (or a channel of it) starts from a Date.
     */
    positionsFrom: `SELECT c.channel, first.tx::text AS tx_text, first.id
FROM unnest($1::varchar[]) AS c(channel)
LEFT JOIN LATERAL (
  SELECT ev.tx, ev.id FROM ${schema}.events AS ev
  WHERE ev.channel = c.channel AND ev.created_at::timestamptz >= $2::timestamptz
  ORDER BY ev.tx, ev.id LIMIT 1
) AS first ON true`,

    /**
     * Takes the group's lease and, when it is granted, reads the group's state and its next batch:
     * $1 group, $2 limit, $3 the subscription's channels (a group may have cursors on channels this
     * member does not read), $4 `schema.group` (the lease's key), $5 the batch's server-side
     * deadline (see {@link TRY_LEASE_WITH_DEADLINE_SQL}). One round trip: the function
     * `postbus_claim_batch` (migration 000009) reads with a snapshot taken after the lease was
     * granted. One row with `held` false: another member holds the lease. No row: the group does
     * not exist. Otherwise a row of the group's state (`held` true, no event), then, unless it is
     * `waiting` for a retry, the events in (tx, id) order across the group's channels (`held`
     * null), each channel read from its own cursor with the index, below the horizon.
     */
    /**
     * The next batch of a group on one channel, read after its cursor, below the horizon: $1
     * group, $2 channel, $3 limit. Run after {@link claimBatch} took the lease with a limit of 0,
     * in the same transaction: a new statement, so its snapshot sees the cursor as the lease's
     * last holder committed it. The cursor's values are read once (init plans) and bound the
     * index range; the rows come in index order (no sort) and straight from the scan (a
     * function's `RETURN QUERY` stores them first). No cursor on the channel: no row.
     */
    readAfterCursor: `SELECT ${EVENT_COLUMNS} FROM ${schema}.events AS e
WHERE e.channel = $2
  AND e.tx >= (SELECT c.tx FROM ${schema}.postbus_cursors AS c WHERE c.group_name = $1 AND c.channel = $2)
  AND (e.tx, e.id) > (
    (SELECT c.tx FROM ${schema}.postbus_cursors AS c WHERE c.group_name = $1 AND c.channel = $2),
    (SELECT c.id FROM ${schema}.postbus_cursors AS c WHERE c.group_name = $1 AND c.channel = $2))
  AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.tx, e.id
LIMIT $3`,

    // The function is called once per statement (OFFSET 0 keeps the subquery from being flattened,
    // which would call it once per column read from it).
    claimBatch: `SELECT ${CLAIMED_COLUMNS} FROM (SELECT ${schema}.postbus_claim_batch($1::varchar, $2::int, $3::varchar[], $4::text, $5::text) AS r OFFSET 0) AS b`,

    /**
     * Whether the group's delivery is held back, and by whom: $1 group, $2 channels. One row per
     * channel whose next event after the cursor is committed but not yet deliverable (its
     * transaction id is at or above the horizon), each with the oldest backend whose transaction
     * id is the horizon (pid, application_name, state, age); no row when nothing waits.
     */
    stalled: `WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
blocker AS MATERIALIZED (
  SELECT a.pid, a.datname AS database, a.application_name, a.state, left(a.query, 200) AS query,
    greatest(0, extract(epoch FROM clock_timestamp() - a.xact_start))::float8 AS age_seconds
  FROM pg_stat_activity AS a, h
  WHERE a.backend_xid IS NOT NULL AND age(a.backend_xid) >= age(h.xmin::xid)
  ORDER BY age(a.backend_xid) DESC LIMIT 1
)
SELECT c.channel, b.pid, b.database, b.application_name, b.state, b.query, b.age_seconds
FROM ${schema}.postbus_cursors AS c
CROSS JOIN h
LEFT JOIN blocker AS b ON true
WHERE c.group_name = $1 AND c.channel = ANY($2::varchar[]) AND EXISTS (
  SELECT 1 FROM ${schema}.events AS ev
  WHERE ev.channel = c.channel AND ev.tx >= h.xmin AND (ev.tx, ev.id) > (c.tx, c.id)
)`,

    /**
     * Advances cursors by compare-and-set: $1 group, $2 channels, $3 tx[], $4 id[]. `moved` below
     * the number of channels means someone else moved a cursor.
     */
    advance: `WITH moved AS (
  UPDATE ${schema}.postbus_cursors AS c SET tx = v.tx, id = v.id, updated_at = now()
  FROM unnest($2::varchar[], $3::xid8[], $4::int[]) AS v(channel, tx, id)
  WHERE c.group_name = $1 AND c.channel = v.channel AND (c.tx, c.id) < (v.tx, v.id)
  RETURNING 1
), touched AS (
  UPDATE ${schema}.postbus_groups SET last_active_at = now() WHERE name = $1 RETURNING 1
)
SELECT (SELECT count(*) FROM moved)::int AS moved`,

    /**
     * Counts a failed attempt of an event: $1 group, $2 tx, $3 id, $4 error. Returns the attempts
     * so far (1 when another event was failing before).
     */
    countFailure: `UPDATE ${schema}.postbus_groups SET
  failing_attempts = CASE WHEN failing_tx = $2::xid8 AND failing_id = $3::int THEN failing_attempts + 1 ELSE 1 END,
  failing_since = CASE WHEN failing_tx = $2::xid8 AND failing_id = $3::int THEN failing_since ELSE now() END,
  failing_tx = $2::xid8, failing_id = $3::int, last_error = $4::text, last_active_at = now()
WHERE name = $1::varchar
RETURNING failing_attempts`,

    /** When the failing event may be tried again: $1 group, $2 delay in ms. */
    scheduleRetry: `UPDATE ${schema}.postbus_groups SET retry_at = now() + make_interval(secs => $2::float8 / 1000)
WHERE name = $1::varchar`,

    /** Forgets a failure (a reset moved the group elsewhere): $1 group. */
    clearFailure: `UPDATE ${schema}.postbus_groups SET failing_tx = NULL, failing_id = NULL, failing_attempts = 0,
  failing_since = NULL, last_error = NULL, retry_at = NULL
WHERE name = $1::varchar`,

    /**
     * Moves an event to the dead letters and the group past it: $1 group, $2 event id, $3 tx,
     * $4 error, $5 attempts. Returns the dead letter's id and whether the cursor moved.
     */
    deadLetter: `WITH dl AS (
  INSERT INTO ${schema}.postbus_dead_letters (group_name, event_id, channel, event_tx, data, error, attempts, first_failed_at)
  SELECT $1::varchar, ev.id, ev.channel, ev.tx, ev.data, $4::text, $5::int, coalesce(g.failing_since, now())
  FROM ${schema}.events AS ev, ${schema}.postbus_groups AS g
  WHERE ev.id = $2::int AND g.name = $1::varchar
  ON CONFLICT (group_name, event_id) DO UPDATE SET status = 'dead', error = EXCLUDED.error,
    attempts = ${schema}.postbus_dead_letters.attempts + EXCLUDED.attempts, dead_at = now(), redriven_at = NULL
  RETURNING id, channel
), moved AS (
  UPDATE ${schema}.postbus_cursors AS c SET tx = $3::xid8, id = $2::int, updated_at = now()
  FROM dl WHERE c.group_name = $1::varchar AND c.channel = dl.channel AND (c.tx, c.id) < ($3::xid8, $2::int)
  RETURNING 1
), cleared AS (
  UPDATE ${schema}.postbus_groups SET failing_tx = NULL, failing_id = NULL, failing_attempts = 0,
    failing_since = NULL, last_error = NULL, retry_at = NULL, last_active_at = now()
  WHERE name = $1::varchar RETURNING 1
)
SELECT (SELECT id FROM dl)::text AS dead_letter_id, (SELECT count(*) FROM moved)::int AS moved`,

    /** The next dead letters to redrive: $1 group, $2 limit, $3 the subscription's channels. */
    readRedrives: `SELECT d.id::text AS dead_letter_id, d.attempts, d.event_id AS id, d.channel, d.data,
  d.event_tx::text AS tx_text, ${createdMs("coalesce(ev.created_at::timestamptz, d.dead_at)")}
FROM ${schema}.postbus_dead_letters AS d
LEFT JOIN ${schema}.events AS ev ON ev.id = d.event_id
WHERE d.group_name = $1 AND d.status = 'redrive' AND d.channel = ANY($3::varchar[])
ORDER BY d.id LIMIT $2`,

    /** Marks redriven dead letters handled: $1 dead letter ids. */
    redriven: `UPDATE ${schema}.postbus_dead_letters SET status = 'redriven', redriven_at = now() WHERE id = ANY($1::bigint[])`,

    /** A redrive that failed again goes back to dead: $1 dead letter id, $2 error. */
    redriveFailed: `UPDATE ${schema}.postbus_dead_letters SET status = 'dead', error = $2, attempts = attempts + 1, dead_at = now()
WHERE id = $1::bigint`,
  });
}

/** The consumer statements of one schema. */
export type ConsumerStatements = ReturnType<typeof consumerStatements>;
