import { EVENT_COLUMNS } from "./select-latest-events.js";

/**
 * Replies to requests, oldest first: $1 request ids (text[]). One probe of
 * `events_reply_request_id_idx` (request id, id) per id, whatever the size of
 * the reply channels; callers check the channel of each reply themselves. Reads
 * every committed reply: a reply needs no gap-safe ordering, only its request id.
 */
export function selectRepliesSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events AS e
WHERE ((e.data -> 'metadata') ->> 'request_id') = ANY($1::text[])
ORDER BY e.id`;
}
