import { EVENT_COLUMNS } from "./select-latest-events.js";

/**
 * Delivery order after a position, gap-safe: $1 varchar[] channels, $2 xid8 and
 * $3 int the position to read after, $4 limit.
 *
 * Only rows whose transaction is older than every transaction still running
 * (`pg_snapshot_xmin`) are returned, so no row can later appear behind a
 * position that was handed out — a transaction that took its id first but
 * commits last is read in its place, never skipped.
 */
export function selectEventsAfterSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events AS e
WHERE e.channel = ANY($1::varchar[])
  AND (e.tx, e.id) > ($2::xid8, $3::int)
  AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.tx, e.id
LIMIT $4`;
}
