import { EVENT_COLUMNS } from "./select-latest-events.js";

/**
 * Inserts a batch in one statement, ids assigned in input order, skipping events whose
 * `metadata.event_id` is already stored (an idempotent retry): those rows are not returned.
 *
 * $1 varchar[] channels, $2 jsonb array of envelopes (same length), $3 the
 * transaction-local `postbus.notify` mode: `'after-commit'` tells the wake-up
 * trigger that Postbus notifies after commit itself; `''` lets the trigger
 * notify inside the transaction. The one-time filter runs before any row is
 * inserted, so the trigger (AFTER … FOR EACH STATEMENT) always sees the setting.
 * `event_id` is copied from the envelope's metadata; the conflict target is the partial
 * unique index `events_event_id_idx` (migration 000004).
 */
export function insertEventsSql(schema: string): string {
  return `INSERT INTO ${schema}.events (channel, data, event_id)
SELECT e.channel, e.data, (e.data -> 'metadata' ->> 'event_id')::uuid
FROM ROWS FROM (unnest($1::varchar[]), jsonb_array_elements($2::jsonb)) WITH ORDINALITY AS e(channel, data, n)
WHERE set_config('postbus.notify', $3::text, true) IS NOT NULL
ORDER BY e.n
ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING
RETURNING id, tx::text AS tx_text, created_at::timestamptz AS created_at_tz, event_id::text AS event_id_text`;
}

/**
 * The stored rows of events already published with these event ids: $1 uuid[]. Read after an
 * insert skipped them, so a retried publish returns the first one as stored.
 */
export function selectEventsByIdSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS}, e.event_id::text AS event_id_text FROM ${schema}.events AS e
WHERE e.event_id = ANY($1::uuid[])`;
}

/** A row returned by {@link insertEventsSql}. */
export interface InsertedRow {
  readonly id: number;
  readonly tx_text: string;
  readonly created_at_tz: Date;
  /** `event_id` in PostgreSQL's text form (lower case). */
  readonly event_id_text: string;
}
