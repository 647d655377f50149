/**
 * `created_at` (a `timestamp` read in the session's time zone, or any `timestamptz` expression) as
 * whole milliseconds since the epoch, a `float8` column named `created_ms`. The client makes it a
 * `Date` with `new Date(ms)` (~0.2 µs) instead of node-postgres's timestamp text parser (~1.5 µs a
 * row, measured here), which every read, delivery and publish paid per event. Computed in `numeric`
 * (exact; `floor` keeps the truncation to milliseconds that the text parser did) and then cast:
 * a whole number of milliseconds is exact in a `float8`.
 *
 * @example
 * ```ts
 * createdMs("e.created_at::timestamptz"); // "floor(extract(epoch FROM e.created_at::timestamptz) * 1000)::float8 AS created_ms"
 * ```
 */
export function createdMs(instant: string): string {
  return `floor(extract(epoch FROM ${instant}) * 1000)::float8 AS created_ms`;
}

/**
 * The event columns of a claim function's rows (`postbus_claim_batch`, `postbus_claim_partition`)
 * read as `(b.r).*` would, but with `created_at_tz` as {@link createdMs}: the functions keep their
 * return type, so members of an older version keep working while others upgrade.
 */
export const CLAIMED_COLUMNS = `(b.r).held, (b.r).id, (b.r).channel, (b.r).data, (b.r).tx_text, ${createdMs("(b.r).created_at_tz")}`;

/** Columns every read returns; `created_at` is turned into an instant in the session's time zone. */
// The text form of tx gets its own name: an output column named "tx" would win over the table
// column in ORDER BY and sort transaction ids as text ("1000" before "999").
export const EVENT_COLUMNS = `e.id, e.channel, e.data, e.tx::text AS tx_text, ${createdMs("e.created_at::timestamptz")}`;

/** A row as the read statements return it. */
export interface EventRow {
  readonly id: number;
  readonly channel: string;
  readonly data: unknown;
  /** `tx` as a decimal string (xid8 is 64-bit). */
  readonly tx_text: string;
  /** `created_at` read as an instant in the session's time zone, in milliseconds since the epoch (see {@link createdMs}). */
  readonly created_ms: number;
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
