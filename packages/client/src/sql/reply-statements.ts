import { EVENT_COLUMNS } from "./select-latest-events.js";

/**
 * Replies to requests, oldest first: $1 request ids (text[]), $2 reply channels
 * (text[]), unless `byChannel` is false. One probe of `events_reply_request_id_idx` per id. Reads every
 * committed reply: a reply needs no gap-safe ordering, only its request id.
 */
export function selectRepliesSql(schema: string, byChannel = true): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events AS e
WHERE ((e.data -> 'metadata') ->> 'request_id') = ANY($1::text[])${byChannel ? "\n  AND e.channel = ANY($2::text[])" : ""}
ORDER BY e.id`;
}
