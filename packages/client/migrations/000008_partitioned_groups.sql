-- Postbus migration 000008: partitioned consumer groups — ordered per key, concurrent across keys.
--
-- An event's key is `data->'metadata'->>'partition_key'` (publishers set it; the typed client from
-- the contract field named by `x-postbus.partitionKey`). Keys hash into 64 fixed slots:
--   slot = hashtext(coalesce(data->'metadata'->>'partition_key', '')) & 63
-- Rows without a key (ADR-only writers, events whose contract names no key field) all share the
-- slot of '' — handled one at a time, in order, as an unpartitioned group would.
--
-- A partitioned group splits its slots over `partitions` (1..64) partitions: partition p owns the
-- slots s with s % partitions = p. Cursors and failures are kept per slot, not per partition, so
-- changing the number of partitions moves slots between partitions without moving any cursor:
-- nothing is handled twice or skipped, and each key keeps its order. A partition's lease is an
-- advisory lock of its own (key: `schema.group/p`).
--
-- The index below lets a partition read only its own slots: one index range per (channel, slot),
-- in (tx, id) order. Every insert maintains it (one more index entry per event).

ALTER TABLE {{schema}}.postbus_groups ADD COLUMN IF NOT EXISTS partitions integer
  CHECK (partitions IS NULL OR partitions BETWEEN 1 AND 64);

CREATE INDEX IF NOT EXISTS events_channel_slot_tx_id_idx
  ON {{schema}}.events (channel, (hashtext(coalesce(data->'metadata'->>'partition_key', '')) & 63), tx, id);

-- Where a partitioned group is on each channel, per slot.
CREATE TABLE IF NOT EXISTS {{schema}}.postbus_slot_cursors (
  group_name VARCHAR(50) NOT NULL REFERENCES {{schema}}.postbus_groups (name) ON DELETE CASCADE,
  channel VARCHAR(50) NOT NULL,
  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 63),
  tx xid8 NOT NULL,
  id integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_name, channel, slot)
);

-- The event that keeps failing in a slot of a partitioned group: a poison event holds back only
-- its own slot (the keys that hash there), never the rest of the group.
CREATE TABLE IF NOT EXISTS {{schema}}.postbus_slot_failures (
  group_name VARCHAR(50) NOT NULL REFERENCES {{schema}}.postbus_groups (name) ON DELETE CASCADE,
  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 63),
  failing_tx xid8 NOT NULL,
  failing_id integer NOT NULL,
  failing_attempts integer NOT NULL,
  failing_since timestamptz NOT NULL DEFAULT now(),
  last_error text,
  retry_at timestamptz,
  PRIMARY KEY (group_name, slot)
);

-- Takes the lease of one partition of a group that has work, and reads its next batch.
-- Rows:
-- * none: the group does not exist;
-- * one row, held = true, data = {"partitioned": false}: the group is not partitioned;
-- * one row, held = false: every partition with work is leased by another member;
-- * else a row of state (held = true; data: partitioned, partitions, partition (null when no
--   partition has deliverable work), failing [{slot, tx, id, attempts}] of that partition,
--   wait_ms (the soonest retry of a waiting slot, when nothing else is deliverable), redrive),
--   then up to p_limit events (held null), slot by slot in a random order of the partition's
--   slots that are not waiting for a retry; within a slot merged across channels in (tx, id)
--   order, below the horizon.
-- p_start rotates which partition with work a member tries first. Each statement of a plpgsql
-- function takes its own snapshot: the read after the lock sees the cursors its previous holder
-- committed.
CREATE OR REPLACE FUNCTION {{schema}}.postbus_claim_partition(
  p_group varchar, p_limit int, p_channels varchar[], p_lock_key text, p_deadline text, p_start int
) RETURNS TABLE (held boolean, id int, channel varchar, data jsonb, tx_text text, created_at_tz timestamptz, slot int)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_partitions int;
  v_now int;
  v_found boolean;
  v_candidate int;
  v_partition int;
  v_slot int;
  v_left int := p_limit;
  v_rows int;
  v_redrive boolean;
  v_wait int;
BEGIN
  PERFORM set_config('statement_timeout', p_deadline, true),
    set_config('idle_in_transaction_session_timeout', p_deadline, true);
  SELECT g.partitions, true INTO v_partitions, v_found FROM {{schema}}.postbus_groups AS g WHERE g.name = p_group;
  IF v_found IS NULL THEN RETURN; END IF;
  IF v_partitions IS NULL THEN
    RETURN QUERY SELECT true, NULL::int, NULL::varchar, jsonb_build_object('partitioned', false), NULL::text,
      NULL::timestamptz, NULL::int;
    RETURN;
  END IF;
  v_found := false;
  FOR v_candidate IN
    SELECT q.part FROM (
    SELECT DISTINCT s.slot % v_partitions AS part
    FROM generate_series(0, 63) AS s(slot)
    WHERE NOT EXISTS (
        SELECT 1 FROM {{schema}}.postbus_slot_failures AS f
        WHERE f.group_name = p_group AND f.slot = s.slot AND f.retry_at > now())
      AND EXISTS (
        SELECT 1 FROM {{schema}}.postbus_slot_cursors AS c
        WHERE c.group_name = p_group AND c.slot = s.slot AND c.channel = ANY(p_channels)
          AND EXISTS (
            SELECT 1 FROM {{schema}}.events AS e
            WHERE e.channel = c.channel
              AND (hashtext(coalesce(e.data->'metadata'->>'partition_key', '')) & 63) = s.slot
              AND e.tx >= c.tx AND (e.tx, e.id) > (c.tx, c.id)
              AND e.tx < pg_snapshot_xmin(pg_current_snapshot())))
    ) AS q
    ORDER BY (q.part - p_start % v_partitions + v_partitions) % v_partitions
  LOOP
    v_found := true;
    IF pg_try_advisory_xact_lock(1885499508, hashtext(p_lock_key || '/' || v_candidate)) THEN
      v_partition := v_candidate;
      EXIT;
    END IF;
  END LOOP;
  IF v_found AND v_partition IS NULL THEN
    RETURN QUERY SELECT false, NULL::int, NULL::varchar, NULL::jsonb, NULL::text, NULL::timestamptz, NULL::int;
    RETURN;
  END IF;
  -- A new statement, a new snapshot: taken after the lease.
  SELECT g.partitions,
    EXISTS (SELECT 1 FROM {{schema}}.postbus_dead_letters AS d WHERE d.group_name = g.name AND d.status = 'redrive')
  INTO v_now, v_redrive FROM {{schema}}.postbus_groups AS g WHERE g.name = p_group;
  IF v_now IS DISTINCT FROM v_partitions THEN
    -- Repartitioned between the look and the lease: the partition numbers changed meaning.
    RETURN QUERY SELECT false, NULL::int, NULL::varchar, NULL::jsonb, NULL::text, NULL::timestamptz, NULL::int;
    RETURN;
  END IF;
  IF v_partition IS NULL THEN
    -- Nothing deliverable now; when a slot waits for a retry, say how long.
    -- (greatest() skips a NULL: no waiting slot must stay NULL, not become 0.)
    SELECT CASE WHEN min(f.retry_at) IS NULL THEN NULL
      ELSE greatest(0, ceil(extract(epoch FROM min(f.retry_at) - now()) * 1000))::int END INTO v_wait
    FROM {{schema}}.postbus_slot_failures AS f WHERE f.group_name = p_group AND f.retry_at > now();
    RETURN QUERY SELECT true, NULL::int, NULL::varchar,
      jsonb_build_object('partitioned', true, 'partitions', v_partitions, 'partition', NULL, 'failing', '[]'::jsonb,
        'wait_ms', v_wait, 'redrive', v_redrive),
      NULL::text, NULL::timestamptz, NULL::int;
    RETURN;
  END IF;
  RETURN QUERY SELECT true, NULL::int, NULL::varchar,
    jsonb_build_object('partitioned', true, 'partitions', v_partitions, 'partition', v_partition,
      'failing', coalesce((
        SELECT jsonb_agg(jsonb_build_object('slot', f.slot, 'tx', f.failing_tx::text, 'id', f.failing_id,
          'attempts', f.failing_attempts))
        FROM {{schema}}.postbus_slot_failures AS f
        WHERE f.group_name = p_group AND f.slot % v_partitions = v_partition), '[]'::jsonb),
      'wait_ms', NULL, 'redrive', v_redrive),
    NULL::text, NULL::timestamptz, NULL::int;
  FOR v_slot IN
    SELECT s.slot FROM generate_series(v_partition, 63, v_partitions) AS s(slot)
    WHERE NOT EXISTS (
      SELECT 1 FROM {{schema}}.postbus_slot_failures AS f
      WHERE f.group_name = p_group AND f.slot = s.slot AND f.retry_at > now())
    ORDER BY random()
  LOOP
    RETURN QUERY
      SELECT NULL::boolean, ev.id, ev.channel, ev.data, ev.tx::text, ev.created_at::timestamptz, v_slot
      FROM {{schema}}.postbus_slot_cursors AS c
      CROSS JOIN LATERAL (
        SELECT e.id, e.channel, e.data, e.tx, e.created_at FROM {{schema}}.events AS e
        WHERE e.channel = c.channel
          AND (hashtext(coalesce(e.data->'metadata'->>'partition_key', '')) & 63) = v_slot
          AND e.tx >= c.tx AND (e.tx, e.id) > (c.tx, c.id)
          AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.id LIMIT v_left
      ) AS ev
      WHERE c.group_name = p_group AND c.slot = v_slot AND c.channel = ANY(p_channels)
      ORDER BY ev.tx, ev.id LIMIT v_left;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_left := v_left - v_rows;
    EXIT WHEN v_left <= 0;
  END LOOP;
END
$$;

-- The unpartitioned claim (migration 000006) as before, its state also saying whether the group
-- has become partitioned: a member that subscribed before another made the group partitioned
-- then switches to the partitioned claim (the group's channel cursors are gone by then, so it
-- could read nothing anyway).
CREATE OR REPLACE FUNCTION {{schema}}.postbus_claim_batch(
  p_group varchar, p_limit int, p_channels varchar[], p_lock_key text, p_deadline text
) RETURNS TABLE (held boolean, id int, channel varchar, data jsonb, tx_text text, created_at_tz timestamptz)
LANGUAGE sql VOLATILE AS $$
SELECT set_config('postbus.lease', pg_try_advisory_xact_lock(1885497202, hashtext(p_lock_key))::text, true),
  set_config('statement_timeout', p_deadline, true),
  set_config('idle_in_transaction_session_timeout', p_deadline, true);

WITH lease AS MATERIALIZED (SELECT current_setting('postbus.lease') = 'true' AS held),
grp AS MATERIALIZED (
  SELECT g.name, g.partitions, g.failing_tx, g.failing_id, g.failing_attempts,
    (g.retry_at IS NOT NULL AND g.retry_at > now()) AS waiting,
    -- Measured on the server's clock: a client whose clock is off must not spin or oversleep.
    greatest(0, ceil(extract(epoch FROM g.retry_at - now()) * 1000))::int AS wait_ms,
    EXISTS (SELECT 1 FROM {{schema}}.postbus_dead_letters AS d WHERE d.group_name = g.name AND d.status = 'redrive') AS redrive
  FROM {{schema}}.postbus_groups AS g, lease WHERE g.name = p_group AND lease.held
),
cur AS MATERIALIZED (
  SELECT c.tx, c.id FROM {{schema}}.postbus_cursors AS c, grp
  WHERE c.group_name = p_group AND c.channel = p_channels[1] AND cardinality(p_channels) = 1 AND NOT grp.waiting
)
SELECT false, NULL::int, NULL::varchar, NULL::jsonb, NULL::text, NULL::timestamptz
FROM lease WHERE NOT lease.held
UNION ALL
SELECT true, NULL::int, NULL::varchar,
  jsonb_build_object('failing_tx', grp.failing_tx::text, 'failing_id', grp.failing_id,
    'failing_attempts', grp.failing_attempts, 'waiting', grp.waiting, 'wait_ms', grp.wait_ms,
    'redrive', grp.redrive, 'partitioned', grp.partitions IS NOT NULL),
  NULL::text, NULL::timestamptz
FROM grp
UNION ALL
(
  -- One channel: the cursor's values are parameters of one index scan, already in order.
  SELECT NULL::boolean, e.id, e.channel, e.data, e.tx::text, e.created_at::timestamptz
  FROM {{schema}}.events AS e
  WHERE e.channel = p_channels[1]
    AND e.tx >= (SELECT cur.tx FROM cur)
    AND (e.tx, e.id) > ((SELECT cur.tx FROM cur), (SELECT cur.id FROM cur))
    AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.tx, e.id LIMIT p_limit
)
UNION ALL
(
  -- Several channels: each read from its own cursor, merged.
  SELECT NULL::boolean, ev.id, ev.channel, ev.data, ev.tx::text, ev.created_at::timestamptz
  FROM grp
  CROSS JOIN {{schema}}.postbus_cursors AS c
  CROSS JOIN LATERAL (
    SELECT e.* FROM {{schema}}.events AS e
    WHERE e.channel = c.channel AND e.tx >= c.tx AND (e.tx, e.id) > (c.tx, c.id)
      AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.tx, e.id LIMIT p_limit
  ) AS ev
  WHERE cardinality(p_channels) > 1 AND NOT grp.waiting
    AND c.group_name = p_group AND c.channel = ANY(p_channels)
  ORDER BY ev.tx, ev.id LIMIT p_limit
)
$$;
