/** Columns every read returns; `created_at` is turned into an instant in the session's time zone. */
// The text form of tx gets its own name: an output column named "tx" would win over the table
// column in ORDER BY and sort transaction ids as text ("1000" before "999").
export const EVENT_COLUMNS =
  "e.id, e.channel, e.data, e.tx::text AS tx_text, e.created_at::timestamptz AS created_at_tz";

/** A row as the read statements return it. */
export interface EventRow {
  readonly id: number;
  readonly channel: string;
  readonly data: unknown;
  /** `tx` as a decimal string (xid8 is 64-bit). */
  readonly tx_text: string;
  /** `created_at` read as an instant in the session's time zone. */
  readonly created_at_tz: Date;
}

/**
 * Newest first in delivery order: $1 channel, $2 limit. Includes events of
 * every committed transaction (it is a look, not a cursor). Uses
 * `events_channel_tx_id_idx` backwards.
 */
export function selectLatestEventsSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events AS e
WHERE e.channel = $1
ORDER BY e.tx DESC, e.id DESC
LIMIT $2`;
}
