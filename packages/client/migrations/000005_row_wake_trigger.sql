-- Postbus migration 000005: wake-ups for other writers without a session setting.
--
-- Until now a statement trigger woke readers after every INSERT, and Postbus's own statements
-- silenced it by setting `postbus.notify` first: a set_config per publish and a plpgsql call per
-- statement. Postbus's own rows always carry an `event_id` (migration 000004); rows from writers
-- that know nothing of Postbus (the ADR's `INSERT INTO events (channel, data)` from any language)
-- leave it NULL. A row trigger whose WHEN clause tests that is evaluated by the executor without
-- calling plpgsql, and queues nothing for Postbus's rows: they cost the trigger nothing. Postbus
-- notifies for its own rows itself (after commit, coalesced; or inside the statement when it
-- writes through a transaction it cannot watch).
--
-- Another writer's INSERT still wakes readers inside its transaction, once per row called but
-- sent once per transaction (PostgreSQL folds identical notifications of one transaction).
-- The notification carries no event data: an empty payload tells readers to look at every channel.
CREATE OR REPLACE FUNCTION {{schema}}.postbus_wake_readers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('postbus.' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS events_wake_readers ON {{schema}}.events;
CREATE TRIGGER events_wake_readers
  AFTER INSERT ON {{schema}}.events
  FOR EACH ROW WHEN (NEW.event_id IS NULL) EXECUTE FUNCTION {{schema}}.postbus_wake_readers();
