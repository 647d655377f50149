/**
 * Inserts a batch in one statement, ids assigned in input order.
 *
 * $1 varchar[] channels, $2 jsonb array of envelopes (same length), $3 the
 * transaction-local `postbus.notify` mode: `'after-commit'` tells the wake-up
 * trigger that Postbus notifies after commit itself; `''` lets the trigger
 * notify inside the transaction. The one-time filter runs before any row is
 * inserted, so the trigger (AFTER … FOR EACH STATEMENT) always sees the setting.
 */
export function insertEventsSql(schema: string): string {
  return `INSERT INTO ${schema}.events (channel, data)
SELECT e.channel, e.data
FROM ROWS FROM (unnest($1::varchar[]), jsonb_array_elements($2::jsonb)) WITH ORDINALITY AS e(channel, data, n)
WHERE set_config('postbus.notify', $3::text, true) IS NOT NULL
ORDER BY e.n
RETURNING id, tx::text AS tx_text, created_at::timestamptz AS created_at_tz`;
}

/** A row returned by {@link insertEventsSql}. */
export interface InsertedRow {
  readonly id: number;
  readonly tx_text: string;
  readonly created_at_tz: Date;
}
