/**
 * The publishes of given contract versions among the most recent events, per event type,
 * version and producer: $1 the window (how many of the newest events, walked backwards on
 * the primary key), $2 event types and $3 versions (the pairs to count, as two arrays).
 * The first row (null event type) describes the window itself: its events and time span.
 * Only events whose `metadata.contract_version` names the version count.
 */
export function selectVersionPublishesSql(schema: string): string {
  return `WITH recent AS MATERIALIZED (
  SELECT e.data, e.created_at FROM ${schema}.events AS e ORDER BY e.id DESC LIMIT $1
), wanted AS (
  SELECT DISTINCT w.event_type, w.version FROM unnest($2::text[], $3::int[]) AS w(event_type, version)
)
SELECT NULL::text AS event_type, NULL::int AS version, NULL::text AS producer, count(*)::int AS publishes,
  min(r.created_at)::timestamptz AS first_at, max(r.created_at)::timestamptz AS last_at
FROM recent AS r
UNION ALL
SELECT w.event_type, w.version, (r.data -> 'metadata') ->> 'producer', count(*)::int,
  min(r.created_at)::timestamptz, max(r.created_at)::timestamptz
FROM recent AS r
JOIN wanted AS w ON (r.data ->> 'event_type') = w.event_type
  AND ((r.data -> 'metadata') -> 'contract_version') = to_jsonb(w.version)
GROUP BY 1, 2, 3
ORDER BY 1 NULLS FIRST, 2, 3 NULLS FIRST`;
}
