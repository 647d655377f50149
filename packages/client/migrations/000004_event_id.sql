-- Postbus migration 000004: idempotent publishing.
--
-- `event_id` holds the envelope's `metadata.event_id` for rows Postbus writes, and is unique
-- among them, so a publish retried with the same event_id (after its connection died and the
-- outcome of its commit is unknown) finds the first row instead of writing a second one.
-- Writers that know nothing of Postbus (the ADR's `INSERT INTO events (channel, data)`) leave
-- the column NULL whatever their data holds: NULLs are not indexed (the index is partial) and
-- never conflict, so no such row can trip the constraint. Rows written before this migration
-- keep NULL too: their event ids are not checked.
-- Adding a nullable column without a default does not rewrite the table. On a large existing
-- table, creating the index holds writes back while it builds; create it by hand beforehand
-- with CREATE UNIQUE INDEX CONCURRENTLY (same name and definition) to avoid that.
ALTER TABLE {{schema}}.events ADD COLUMN IF NOT EXISTS event_id uuid;

CREATE UNIQUE INDEX IF NOT EXISTS events_event_id_idx
  ON {{schema}}.events (event_id)
  WHERE event_id IS NOT NULL;
