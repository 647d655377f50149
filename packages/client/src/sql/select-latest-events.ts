/** Columns every read returns; `created_at` is turned into an instant in the session's time zone. */
export const EVENT_COLUMNS = "id, channel, data, tx::text AS tx, created_at::timestamptz AS created_at";

/** A row as the read statements return it. */
export interface EventRow {
  readonly id: number;
  readonly channel: string;
  readonly data: unknown;
  readonly tx: string;
  readonly created_at: Date;
}

/**
 * Newest first in delivery order: $1 channel, $2 limit. Includes events of
 * every committed transaction (it is a look, not a cursor). Uses
 * `events_channel_tx_id_idx` backwards.
 */
export function selectLatestEventsSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events
WHERE channel = $1
ORDER BY tx DESC, id DESC
LIMIT $2`;
}
