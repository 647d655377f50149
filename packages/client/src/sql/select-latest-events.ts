/**
 * `created_at` (a `timestamp` read in the session's time zone, or any `timestamptz` expression) as
 * whole milliseconds since the epoch, a `float8` column named `created_ms`. The client makes it a
 * `Date` with `new Date(ms)` (~0.2 µs) instead of node-postgres's timestamp text parser (~1.5 µs a
 * row, measured here), which every read, delivery and publish paid per event. `floor` keeps the
 * truncation to milliseconds that the text parser did.
 *
 * Between 1900 and 2100 it is computed in `float8`: `date_part('epoch', …)` is the instant's
 * microseconds divided by 10⁶, and multiplying back is off by less than half a microsecond for
 * any instant before 2106 (the rounding errors of the division and the product are each at most
 * half a unit in the last place), so `round` gives the exact microseconds and `floor(µs / 1000)`
 * the exact milliseconds. Outside that range it is computed in `numeric`, exact everywhere but
 * ~0.5 µs a row slower (1,000-row reads here: 3.3 ms of server time in `numeric`, 2.8 ms in
 * `float8`). `test/client/read/created-ms.test.ts` compares the two over random instants.
 *
 * @example
 * ```ts
 * createdMs("e.created_at::timestamptz");
 * // "CASE WHEN e.created_at::timestamptz >= … THEN floor(round(date_part('epoch', …) * 1e6) / 1000) ELSE … END AS created_ms"
 * ```
 */
export function createdMs(instant: string): string {
  return `CASE WHEN ${instant} >= ${FLOAT_EXACT_FROM} AND ${instant} < ${FLOAT_EXACT_TO}
  THEN floor(round(date_part('epoch', ${instant}) * 1e6) / 1000)
  ELSE floor(extract(epoch FROM ${instant}) * 1000)::float8 END AS created_ms`;
}

/** Where {@link createdMs}'s `float8` arithmetic is proven exact (to the microsecond): 1900–2100 UTC. */
const FLOAT_EXACT_FROM = "timestamptz '1900-01-01 00:00:00+00'";
const FLOAT_EXACT_TO = "timestamptz '2100-01-01 00:00:00+00'";

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
