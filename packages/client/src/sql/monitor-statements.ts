/**
 * The statements of `postbus status` and `postbus dlq`, built once per call
 * for a quoted schema. Parameters are always bound.
 */
/** Builds the monitoring and dead-letter statements for a quoted schema. */
export function monitorStatements(schema: string) {
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
    groups: `SELECT g.name AS group_name, g.last_active_at, g.failing_tx::text AS failing_tx, g.failing_id,
  g.failing_attempts, g.last_error, g.retry_at,
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
LEFT JOIN ${schema}.postbus_cursors AS c ON c.group_name = g.name
LEFT JOIN LATERAL (
  SELECT count(*)::int AS events FROM (
    SELECT 1 FROM ${schema}.events AS ev
    WHERE ev.channel = c.channel AND ev.tx >= c.tx AND (ev.tx, ev.id) > (c.tx, c.id)
    LIMIT $1
  ) AS capped
) AS lag ON true
LEFT JOIN LATERAL (
  SELECT greatest(0, extract(epoch FROM clock_timestamp() - ev.created_at::timestamptz))::float8 AS lag_seconds
  FROM ${schema}.events AS ev
  WHERE ev.channel = c.channel AND ev.tx >= c.tx AND (ev.tx, ev.id) > (c.tx, c.id)
  ORDER BY ev.tx, ev.id LIMIT 1
) AS next ON true
ORDER BY g.name, c.channel`,

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
  coalesce(ev.created_at::timestamptz, d.first_failed_at) AS created_at_tz
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
