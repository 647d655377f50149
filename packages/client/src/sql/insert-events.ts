import { createdMs, EVENT_COLUMNS } from "./select-latest-events.js";

/** What the insert statements return: the stored row's position, time and event id. */
const RETURNING = `RETURNING id, tx::text AS tx_text, ${createdMs("created_at::timestamptz")}, event_id::text AS event_id_text`;

/** The conflict target: the partial unique index `events_event_id_idx` (migration 000004). */
const ON_CONFLICT = "ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING";

/**
 * Inserts one event, skipped when its event id is already stored (an idempotent retry; then no
 * row is returned): $1 channel, $2 envelope JSON, $3 `metadata.event_id`. A plain
 * `INSERT … VALUES`: no session setting and no trigger call, since the wake-up trigger
 * (migration 000005) fires only for rows without an `event_id`.
 */
export function insertEventSql(schema: string): string {
  return `INSERT INTO ${schema}.events (channel, data, event_id) VALUES ($1, $2::jsonb, $3::uuid)
${ON_CONFLICT}
${RETURNING}`;
}

/**
 * Inserts a batch in one statement, ids assigned in input order, skipping events whose event id
 * is already stored (those rows are not returned): $1 varchar[] channels, $2 a jsonb array of
 * envelopes, $3 uuid[] their `metadata.event_id`s (all three the same length).
 */
export function insertEventsSql(schema: string): string {
  return `INSERT INTO ${schema}.events (channel, data, event_id)
SELECT e.channel, e.data, e.event_id
FROM ROWS FROM (unnest($1::varchar[]), jsonb_array_elements($2::jsonb), unnest($3::uuid[])) WITH ORDINALITY AS e(channel, data, event_id, n)
ORDER BY e.n
${ON_CONFLICT}
${RETURNING}`;
}

/**
 * `insert` (one of the statements above) that also wakes readers inside the writing
 * transaction: the NOTIFY is delivered when that transaction commits, and not at all if it rolls
 * back. For writes through a caller's transaction that Postbus cannot watch. The two parameters
 * after the insert's own: the wake channel and its payload (comma-separated channels).
 */
export function withWakeInTransaction(insert: string, firstParameter: number): string {
  return `WITH inserted AS (
${insert}
), woken AS MATERIALIZED (SELECT pg_notify($${firstParameter}, $${firstParameter + 1}) AS sent)
SELECT inserted.* FROM inserted LEFT JOIN woken ON true`;
}

/**
 * The stored rows of events already published with these event ids: $1 uuid[]. Read after an
 * insert skipped them, so a retried publish returns the first one as stored.
 */
export function selectEventsByIdSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS}, e.event_id::text AS event_id_text FROM ${schema}.events AS e
WHERE e.event_id = ANY($1::uuid[])`;
}

/** A row returned by {@link insertEventSql} and {@link insertEventsSql}. */
export interface InsertedRow {
  readonly id: number;
  readonly tx_text: string;
  /** See `createdMs`. */
  readonly created_ms: number;
  /** `event_id` in PostgreSQL's text form (lower case). */
  readonly event_id_text: string;
}

/** The four insert statements of one schema: one event or a batch, woken after commit or inside. */
export interface InsertStatements {
  readonly one: string;
  readonly many: string;
  readonly oneWaking: string;
  readonly manyWaking: string;
  /** {@link selectEventsByIdSql}. */
  readonly byEventId: string;
}

/** Builds the {@link InsertStatements} for a quoted schema. */
export function insertStatements(schema: string): InsertStatements {
  const one = insertEventSql(schema);
  const many = insertEventsSql(schema);
  return Object.freeze({
    one,
    many,
    oneWaking: withWakeInTransaction(one, 4),
    manyWaking: withWakeInTransaction(many, 4),
    byEventId: selectEventsByIdSql(schema),
  });
}
