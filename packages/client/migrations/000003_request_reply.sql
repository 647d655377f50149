-- Postbus migration 000003: request-response on the events table.
--
-- A request is an ordinary event whose metadata carries `reply_to` (the channel its requester
-- reads replies on) and `expires_at` (when the requester stops waiting). A reply is an ordinary
-- event on that channel whose metadata carries `request_id`: the request's `event_id`.
-- Nothing here changes the ADR's table; both indexes are partial, so events that are neither
-- requests nor replies cost an insert only the evaluation of their predicates.
-- On a large existing table, creating them holds writes back while they build; create them
-- by hand beforehand with CREATE INDEX CONCURRENTLY (same names) to avoid that.

-- A requester finds the replies to its waiting requests by id: one index probe per request,
-- already in id order (the first reply of a request is the index's first entry for it).
CREATE INDEX IF NOT EXISTS events_reply_request_id_idx
  ON {{schema}}.events (((data -> 'metadata') ->> 'request_id'), id)
  WHERE ((data -> 'metadata') ->> 'request_id') IS NOT NULL;

-- `postbus status` reads the most recent requests newest first, without scanning other events.
CREATE INDEX IF NOT EXISTS events_request_id_idx
  ON {{schema}}.events (id)
  WHERE ((data -> 'metadata') ->> 'reply_to') IS NOT NULL;

-- PostgreSQL keeps no statistics for the expressions of partial indexes: without these it
-- guesses how many rows match `request_id = $1` and may walk the primary key instead.
CREATE STATISTICS IF NOT EXISTS {{schema}}.events_request_id_stats
  ON (((data -> 'metadata') ->> 'request_id')) FROM {{schema}}.events;
CREATE STATISTICS IF NOT EXISTS {{schema}}.events_reply_to_stats
  ON (((data -> 'metadata') ->> 'reply_to')) FROM {{schema}}.events;
ANALYZE {{schema}}.events;
