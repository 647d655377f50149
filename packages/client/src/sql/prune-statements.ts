import { slotOf } from "./partition-statements.js";

/**
 * The statements of `prune`, for one quoted schema. An event may go only when all of these hold:
 * it is older than the cutoff (`$2`, compared as the table's `timestamp without time zone`); it is
 * below the read horizon (committed, and no running transaction can still write before it); every
 * consumer group reading its channel (but those in `$3`) has a cursor at or past its `(tx, id)` (in
 * a partitioned group, the cursor of the event's slot);
 * and it is not a request still waiting for its reply (no reply stored, and `expires_at` not
 * passed or unreadable). The id window `($3, $4]` bounds one statement's work.
 */
export function pruneStatements(schema: string) {
  const mayGo = `e.created_at < $1::timestamptz AT TIME ZONE current_setting('TimeZone')
    AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
    AND NOT EXISTS (
      SELECT 1 FROM ${schema}.postbus_cursors AS c
      WHERE c.channel = e.channel AND NOT (c.group_name = ANY($2::varchar[])) AND (c.tx, c.id) < (e.tx, e.id)
    )
    AND NOT EXISTS (
      SELECT 1 FROM ${schema}.postbus_slot_cursors AS sc
      WHERE sc.channel = e.channel AND sc.slot = ${slotOf("e")}
        AND NOT (sc.group_name = ANY($2::varchar[])) AND (sc.tx, sc.id) < (e.tx, e.id)
    )
    AND NOT (
      e.data->'metadata' ? 'reply_to'
      AND NOT EXISTS (
        SELECT 1 FROM ${schema}.events AS r
        WHERE r.data->'metadata'->>'request_id' = e.data->'metadata'->>'event_id'
      )
      AND coalesce(
        CASE WHEN e.data->'metadata'->>'expires_at' ~ '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})$'
          THEN (e.data->'metadata'->>'expires_at')::timestamptz > now() END,
        true)
    )`;
  return Object.freeze({
    /** The id range holding events older than the cutoff: $1 cutoff. */
    range: `SELECT min(id) AS low, max(id) AS high FROM ${schema}.events
WHERE created_at < $1::timestamptz AT TIME ZONE current_setting('TimeZone')`,
    /** Deletes what may go in the window ($3, $4]: $1 cutoff, $2 ignored groups. */
    deleteWindow: `DELETE FROM ${schema}.events AS e
WHERE e.id > $3::int AND e.id <= $4::int AND ${mayGo}`,
    /** Counts what may go in the window ($3, $4]: $1 cutoff, $2 ignored groups (dry run). */
    countWindow: `SELECT count(*)::int AS n FROM ${schema}.events AS e
WHERE e.id > $3::int AND e.id <= $4::int AND ${mayGo}`,
  });
}
