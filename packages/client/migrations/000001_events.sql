-- Postbus migration 000001: the ADR's events table, plus what gap-safe reading needs.
-- {{schema}} is replaced by the quoted, allow-listed schema name.

-- Exactly the ADR's table. A table that an ADR deployment already created is adopted as it is.
CREATE TABLE IF NOT EXISTS {{schema}}.events (
  id SERIAL PRIMARY KEY,
  channel VARCHAR(50) NOT NULL,
  data JSONB NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

-- The id of the writing transaction. Ids are taken in insert order but transactions commit in
-- any order, so readers order by (tx, id) and read only below the oldest running transaction.
-- The default fills it for writers that know nothing of Postbus (a plain ADR INSERT).
ALTER TABLE {{schema}}.events
  ADD COLUMN IF NOT EXISTS tx xid8 NOT NULL DEFAULT pg_current_xact_id();

-- Serves per-channel cursors (channel = $1 AND (tx, id) > cursor ORDER BY tx, id) and
-- newest-first reads (the same index scanned backwards).
CREATE INDEX IF NOT EXISTS events_channel_tx_id_idx ON {{schema}}.events (channel, tx, id);

-- Wake-ups. Postbus's own publishers notify after commit, coalesced, and mark their inserts with
-- the transaction-local setting postbus.notify = 'after-commit' (the trigger clears it again). Any
-- other writer's statement
-- (for example a plain ADR INSERT from another language) wakes readers from this trigger.
-- The notification carries no event data: it only tells readers to look at the table.
CREATE OR REPLACE FUNCTION {{schema}}.postbus_wake_readers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('postbus.notify', true) = 'after-commit' THEN
    -- This statement was Postbus's own; a later plain INSERT in the same transaction must notify.
    PERFORM set_config('postbus.notify', '', true);
  ELSE
    PERFORM pg_notify('postbus.' || TG_TABLE_SCHEMA, '');
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS events_wake_readers ON {{schema}}.events;
CREATE TRIGGER events_wake_readers
  AFTER INSERT ON {{schema}}.events
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.postbus_wake_readers();
