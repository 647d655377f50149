-- Postbus migration 000002: durable consumer groups, their cursors and their dead letters.

-- One row per consumer group. Its row lock is the group's lease: a process handles a batch inside a
-- transaction that holds `FOR UPDATE` on this row, so two processes never handle the group's events
-- at the same time, and a process that dies releases it with its connection.
CREATE TABLE IF NOT EXISTS {{schema}}.postbus_groups (
  name VARCHAR(50) PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when a batch was handled; shown by `postbus status`.
  last_active_at timestamptz,
  -- The event that keeps failing, its attempts so far, and when it may be tried again.
  failing_tx xid8,
  failing_id integer,
  failing_attempts integer NOT NULL DEFAULT 0,
  failing_since timestamptz,
  last_error text,
  retry_at timestamptz
);

-- Where each group is on each channel: the (tx, id) of the last event it handled there.
CREATE TABLE IF NOT EXISTS {{schema}}.postbus_cursors (
  group_name VARCHAR(50) NOT NULL REFERENCES {{schema}}.postbus_groups (name) ON DELETE CASCADE,
  channel VARCHAR(50) NOT NULL,
  tx xid8 NOT NULL,
  id integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_name, channel)
);

-- Events a group gave up on, with why. `redrive` asks the group to handle the event again.
CREATE TABLE IF NOT EXISTS {{schema}}.postbus_dead_letters (
  id bigserial PRIMARY KEY,
  group_name VARCHAR(50) NOT NULL REFERENCES {{schema}}.postbus_groups (name) ON DELETE CASCADE,
  event_id integer NOT NULL,
  channel VARCHAR(50) NOT NULL,
  event_tx xid8 NOT NULL,
  data jsonb NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  first_failed_at timestamptz NOT NULL,
  dead_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'dead' CHECK (status IN ('dead', 'redrive', 'redriven')),
  redriven_at timestamptz,
  UNIQUE (group_name, event_id)
);

CREATE INDEX IF NOT EXISTS postbus_dead_letters_redrive_idx
  ON {{schema}}.postbus_dead_letters (group_name, id) WHERE status = 'redrive';
