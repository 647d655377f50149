-- Postbus migration 000009: the unpartitioned claim as a plpgsql function, planned once per session.
--
-- `postbus_claim_batch` (migrations 000006 and 000008) was a SQL-language function of two
-- statements. PostgreSQL before 18 plans the body of such a function on every call (it cannot be
-- inlined: it has two statements), and its UNION ALL of CTEs cost about 2 ms of planning per batch
-- here — the larger part of a woken consumer's latency. A plpgsql function keeps the plans of its
-- statements for the session, and it can leave out what a call does not need: the several-channel
-- merge when the member reads one channel, the read when the group waits for a retry.
--
-- Same signature, rows and meaning as before:
-- * one row with held = false when another member holds the lease;
-- * else one row of the group's state (held = true; `data` holds failing_tx, failing_id,
--   failing_attempts, waiting, wait_ms, redrive and partitioned), none when the group does not exist;
-- * then, unless the group is `waiting` for a retry, up to p_limit events in (tx, id) order across
--   the channels, each read from its own cursor, below the horizon (held null).
-- Each statement of a VOLATILE plpgsql function takes a new snapshot: the reads after the lock see
-- the cursors the previous holder of the lease committed.
CREATE OR REPLACE FUNCTION {{schema}}.postbus_claim_batch(
  p_group varchar, p_limit int, p_channels varchar[], p_lock_key text, p_deadline text
) RETURNS TABLE (held boolean, id int, channel varchar, data jsonb, tx_text text, created_at_tz timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_state jsonb;
  v_waiting boolean;
  v_tx xid8;
  v_id int;
BEGIN
  PERFORM set_config('statement_timeout', p_deadline, true),
    set_config('idle_in_transaction_session_timeout', p_deadline, true);
  IF NOT pg_try_advisory_xact_lock(1885497202, hashtext(p_lock_key)) THEN
    RETURN QUERY SELECT false, NULL::int, NULL::varchar, NULL::jsonb, NULL::text, NULL::timestamptz;
    RETURN;
  END IF;
  -- A new statement, a new snapshot: taken after the lease.
  SELECT (g.retry_at IS NOT NULL AND g.retry_at > now()),
    jsonb_build_object('failing_tx', g.failing_tx::text, 'failing_id', g.failing_id,
      'failing_attempts', g.failing_attempts, 'waiting', (g.retry_at IS NOT NULL AND g.retry_at > now()),
      -- Measured on the server's clock: a client whose clock is off must not spin or oversleep.
      'wait_ms', greatest(0, ceil(extract(epoch FROM g.retry_at - now()) * 1000))::int,
      'redrive', EXISTS (SELECT 1 FROM {{schema}}.postbus_dead_letters AS d
        WHERE d.group_name = g.name AND d.status = 'redrive'),
      'partitioned', g.partitions IS NOT NULL)
  INTO v_waiting, v_state
  FROM {{schema}}.postbus_groups AS g WHERE g.name = p_group;
  IF NOT FOUND THEN RETURN; END IF;
  RETURN QUERY SELECT true, NULL::int, NULL::varchar, v_state, NULL::text, NULL::timestamptz;
  IF v_waiting THEN RETURN; END IF;
  IF cardinality(p_channels) = 1 THEN
    -- One channel: the cursor's values are parameters of one index scan, already in order.
    SELECT c.tx, c.id INTO v_tx, v_id FROM {{schema}}.postbus_cursors AS c
    WHERE c.group_name = p_group AND c.channel = p_channels[1];
    IF NOT FOUND THEN RETURN; END IF;
    RETURN QUERY
      SELECT NULL::boolean, e.id, e.channel, e.data, e.tx::text, e.created_at::timestamptz
      FROM {{schema}}.events AS e
      WHERE e.channel = p_channels[1] AND e.tx >= v_tx AND (e.tx, e.id) > (v_tx, v_id)
        AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.tx, e.id LIMIT p_limit;
  ELSE
    -- Several channels: each read from its own cursor, merged.
    RETURN QUERY
      SELECT NULL::boolean, ev.id, ev.channel, ev.data, ev.tx::text, ev.created_at::timestamptz
      FROM {{schema}}.postbus_cursors AS c
      CROSS JOIN LATERAL (
        SELECT e.id, e.channel, e.data, e.tx, e.created_at FROM {{schema}}.events AS e
        WHERE e.channel = c.channel AND e.tx >= c.tx AND (e.tx, e.id) > (c.tx, c.id)
          AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.id LIMIT p_limit
      ) AS ev
      WHERE c.group_name = p_group AND c.channel = ANY(p_channels)
      ORDER BY ev.tx, ev.id LIMIT p_limit;
  END IF;
END
$$;
