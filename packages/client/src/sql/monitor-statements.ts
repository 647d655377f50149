import { slotOf } from "./partition-statements.js";
import { createdMs } from "./select-latest-events.js";

/**
 * The statements of `postbus status` and `postbus dlq`, built once per call
 * for a quoted schema. Parameters are always bound.
 */
/** Builds the monitoring and dead-letter statements for a quoted schema. */
export function monitorStatements(schema: string) {
  // In a partitioned group, an event after the channel's slowest slot is waiting only if it is
  // after its own slot's cursor too.
  const behindSlot = `EXISTS (SELECT 1 FROM ${schema}.postbus_slot_cursors AS sc
      WHERE sc.group_name = c.group_name AND sc.channel = ev.channel AND sc.slot = ${slotOf("ev")}
        AND (sc.tx, sc.id) < (ev.tx, ev.id))`;
  return Object.freeze({
    /**
     * The server, its read horizon, and the transactions at (or, in a race, below) it: one row per
     * holder, oldest first, or one row with a null holder. Only a transaction id holds the horizon
     * (`pg_snapshot_xmin` is the oldest running xid, server-wide); a read-only snapshot's xmin does
     * not. Prepared transactions hold it too and are not in pg_stat_activity. xids are compared by
     * `age()`, which is safe across wraparound. No parameters.
     */
    server: `WITH server AS MATERIALIZED (
  SELECT current_setting('server_version') AS version, pg_snapshot_xmin(pg_current_snapshot()) AS horizon
)
SELECT s.version, s.horizon::text AS read_horizon, h.pid, h.database, h.application_name, h.state,
  h.xact_start, h.age_seconds, h.backend_xid, h.query
FROM server AS s
LEFT JOIN LATERAL (
  SELECT a.pid, a.datname::text AS database, a.application_name::text, a.state, a.xact_start,
    greatest(0, extract(epoch FROM clock_timestamp() - a.xact_start))::float8 AS age_seconds,
    a.backend_xid::text AS backend_xid, left(a.query, 200) AS query, age(a.backend_xid) AS xid_age
  FROM pg_stat_activity AS a
  WHERE a.backend_xid IS NOT NULL AND age(a.backend_xid) >= age(s.horizon::xid)
  UNION ALL
  SELECT NULL, p.database::text, NULL, 'prepared', p.prepared,
    greatest(0, extract(epoch FROM clock_timestamp() - p.prepared))::float8,
    p.transaction::text, left('PREPARE TRANSACTION ' || quote_literal(p.gid), 200), age(p.transaction)
  FROM pg_prepared_xacts AS p
  WHERE age(p.transaction) >= age(s.horizon::xid)
) AS h ON true
ORDER BY h.xid_age DESC NULLS LAST, h.pid`,

    /**
     * One row per group and channel (a group without cursors: one row, null channel): $1 the lag
     * count cap + 1. Lag counts the events after the cursor — deliverable or not — through
     * `events_channel_tx_id_idx`, stopping at the cap; lag seconds is the age of the next event
     * in delivery order.
     */
    groups: `WITH cursors AS (
  SELECT c.group_name, c.channel, c.tx, c.id, false AS sloted FROM ${schema}.postbus_cursors AS c
  UNION ALL
  -- A partitioned group's position on a channel: its slowest slot's cursor.
  (SELECT DISTINCT ON (sc.group_name, sc.channel) sc.group_name, sc.channel, sc.tx, sc.id, true
  FROM ${schema}.postbus_slot_cursors AS sc
  ORDER BY sc.group_name, sc.channel, sc.tx, sc.id)
)
SELECT g.name AS group_name, g.last_active_at, g.partitions,
  coalesce(g.failing_tx, f.failing_tx)::text AS failing_tx, coalesce(g.failing_id, f.failing_id) AS failing_id,
  CASE WHEN g.failing_tx IS NULL THEN coalesce(f.failing_attempts, 0) ELSE g.failing_attempts END AS failing_attempts,
  coalesce(g.last_error, f.last_error) AS last_error, coalesce(g.retry_at, f.retry_at) AS retry_at,
  coalesce(d.dead, 0) AS dead, coalesce(d.redrive, 0) AS redrive, coalesce(d.redriven, 0) AS redriven,
  c.channel, c.tx::text AS cursor_tx, c.id AS cursor_id, lag.events AS lag_events,
  coalesce(next.lag_seconds, 0) AS lag_seconds
FROM ${schema}.postbus_groups AS g
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE dl.status = 'dead')::int AS dead,
    count(*) FILTER (WHERE dl.status = 'redrive')::int AS redrive,
    count(*) FILTER (WHERE dl.status = 'redriven')::int AS redriven
  FROM ${schema}.postbus_dead_letters AS dl WHERE dl.group_name = g.name
) AS d ON true
LEFT JOIN LATERAL (
  -- A partitioned group's longest-failing slot.
  SELECT sf.failing_tx, sf.failing_id, sf.failing_attempts, sf.last_error, sf.retry_at
  FROM ${schema}.postbus_slot_failures AS sf WHERE sf.group_name = g.name
  ORDER BY sf.failing_since LIMIT 1
) AS f ON true
LEFT JOIN cursors AS c ON c.group_name = g.name
LEFT JOIN LATERAL (
  SELECT count(*)::int AS events FROM (
    SELECT 1 FROM ${schema}.events AS ev
    WHERE ev.channel = c.channel AND ev.tx >= c.tx AND (ev.tx, ev.id) > (c.tx, c.id)
      AND (NOT c.sloted OR ${behindSlot})
    LIMIT $1
  ) AS capped
) AS lag ON true
LEFT JOIN LATERAL (
  SELECT greatest(0, extract(epoch FROM clock_timestamp() - ev.created_at::timestamptz))::float8 AS lag_seconds
  FROM ${schema}.events AS ev
  WHERE ev.channel = c.channel AND ev.tx >= c.tx AND (ev.tx, ev.id) > (c.tx, c.id)
    AND (NOT c.sloted OR ${behindSlot})
  ORDER BY ev.tx, ev.id LIMIT 1
) AS next ON true
ORDER BY g.name, c.channel`,

    /**
     * Per partition of a partitioned group: the events after its slots' cursors, deliverable or
     * not (counted up to $3, the cap + 1), and how many of its slots are failing: $1 group,
     * $2 its partitions.
     */
    partitionLag: `SELECT p.partition,
  (SELECT count(*) FROM (
    SELECT 1 FROM ${schema}.postbus_slot_cursors AS c
    JOIN ${schema}.events AS e ON e.channel = c.channel AND ${slotOf("e")} = c.slot
      AND e.tx >= c.tx AND (e.tx, e.id) > (c.tx, c.id)
    WHERE c.group_name = $1 AND c.slot % $2::int = p.partition
    LIMIT $3::int
  ) AS w)::int AS lag,
  (SELECT count(*) FROM ${schema}.postbus_slot_failures AS f WHERE f.group_name = $1 AND f.slot % $2::int = p.partition)::int AS failing_slots
FROM generate_series(0, $2::int - 1) AS p(partition)
ORDER BY p.partition`,

    /**
     * Every channel, found by skipping through `events_channel_tx_id_idx` (one probe per channel,
     * not a scan of the table), with its events counted up to $1 (the cap + 1) and the time of its
     * last event in delivery order.
     */
    channels: `WITH RECURSIVE found AS (
  (SELECT ev.channel FROM ${schema}.events AS ev ORDER BY ev.channel LIMIT 1)
  UNION ALL
  SELECT (SELECT ev.channel FROM ${schema}.events AS ev WHERE ev.channel > f.channel ORDER BY ev.channel LIMIT 1)
  FROM found AS f WHERE f.channel IS NOT NULL
)
SELECT f.channel, counted.events, last.created_at_tz AS last_event_at
FROM found AS f
CROSS JOIN LATERAL (
  SELECT count(*)::int AS events FROM (
    SELECT 1 FROM ${schema}.events AS ev WHERE ev.channel = f.channel LIMIT $1
  ) AS capped
) AS counted
LEFT JOIN LATERAL (
  SELECT ev.created_at::timestamptz AS created_at_tz FROM ${schema}.events AS ev
  WHERE ev.channel = f.channel ORDER BY ev.tx DESC, ev.id DESC LIMIT 1
) AS last ON true
WHERE f.channel IS NOT NULL
ORDER BY f.channel`,

    /** The events table's size with its indexes and TOAST, and the dead letters: $1 the unquoted schema. */
    /**
     * The most recent requests (events whose metadata has `reply_to`), newest first, each with its
     * first reply: $1 how many. Walks `events_request_id_idx` backwards and takes each request's
     * first reply from `events_reply_request_id_idx` (request id, id). Times come back as text —
     * the envelopes' `timestamp`s (set when each event was published, after the responder's
     * handler ran) and `expires_at` — and are parsed by the caller, so a foreign writer's malformed
     * value cannot fail the status; `created_at` is returned as the fallback.
     */
    requests: `SELECT r.data ->> 'event_type' AS request_type, r.channel,
  r.data ->> 'timestamp' AS sent_text, r.created_at::timestamptz AS sent_at,
  (r.data -> 'metadata') ->> 'expires_at' AS expires_at,
  rep.replied_text, rep.replied_at, coalesce(rep.is_error, false) AS is_error
FROM (
  SELECT e.id, e.channel, e.data, e.created_at FROM ${schema}.events AS e
  WHERE ((e.data -> 'metadata') ->> 'reply_to') IS NOT NULL
  ORDER BY e.id DESC
  LIMIT $1
) AS r
LEFT JOIN LATERAL (
  SELECT x.data ->> 'timestamp' AS replied_text, x.created_at::timestamptz AS replied_at,
    ((x.data -> 'metadata') -> 'reply_error') = 'true'::jsonb AS is_error
  FROM ${schema}.events AS x
  WHERE ((x.data -> 'metadata') ->> 'request_id') = ((r.data -> 'metadata') ->> 'event_id')
  ORDER BY ((x.data -> 'metadata') ->> 'request_id'), x.id
  LIMIT 1
) AS rep ON true`,

    table: `SELECT coalesce(pg_total_relation_size(to_regclass(format('%I.events', $1::text))), 0)::float8 AS total_bytes,
  (SELECT count(*) FROM ${schema}.postbus_dead_letters)::int AS dead_letters`,

    /**
     * Dead letters, oldest first: $1 group or null, $2 status or null, $3 limit. The event's
     * `created_at` comes from the events table while the event is still there.
     */
    listDeadLetters: `SELECT d.id::text AS dead_letter_id, d.group_name, d.error, d.attempts, d.first_failed_at,
  d.dead_at, d.status, d.redriven_at, d.event_id AS id, d.channel, d.data, d.event_tx::text AS tx_text,
  ${createdMs("coalesce(ev.created_at::timestamptz, d.first_failed_at)")}
FROM ${schema}.postbus_dead_letters AS d
LEFT JOIN ${schema}.events AS ev ON ev.id = d.event_id
WHERE ($1::varchar IS NULL OR d.group_name = $1) AND ($2::text IS NULL OR d.status = $2)
ORDER BY d.id LIMIT $3`,

    /**
     * Asks a group to handle its dead letters again: $1 group, $2 dead letter ids or null for all.
     * Only `dead` ones change; returns the channels of those that did, one row each.
     */
    requestRedrive: `UPDATE ${schema}.postbus_dead_letters SET status = 'redrive'
WHERE group_name = $1 AND status = 'dead' AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
RETURNING channel`,
  });
}

/** The monitoring statements of one schema. */
export type MonitorStatements = ReturnType<typeof monitorStatements>;
