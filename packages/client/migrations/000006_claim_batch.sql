-- Postbus migration 000006: a consumer batch's lease and read in one round trip.
--
-- A batch used to take the group's lease (a transaction-scoped advisory lock) in one statement
-- and read its events in the next. They cannot simply be one SQL statement: a statement's
-- snapshot is taken before it runs, so a read fused with the lock could see the cursor as it was
-- before the member that held the lease a moment ago committed its advance, and handle those
-- events again. In a VOLATILE plpgsql function each statement takes a fresh snapshot, so the
-- read below sees every cursor committed before the lock was granted.
--
-- Returns one row with held = false when another member holds the lease. Otherwise the rows of
-- the group's state and next batch, exactly as the client's `readBatch` statement returns them
-- (held = true on each): no row when the group does not exist; one row with a null id when
-- nothing is deliverable (or `waiting` for a retry); else the events in (tx, id) order across the
-- group's channels, each channel read from its own cursor, below the horizon.
-- p_lock_key is `schema.group`; p_deadline a duration such as '15000ms', set as the transaction's
-- statement_timeout and idle_in_transaction_session_timeout (see the client's lease statement).
CREATE OR REPLACE FUNCTION {{schema}}.postbus_claim_batch(
  p_group varchar, p_limit int, p_channels varchar[], p_lock_key text, p_deadline text
) RETURNS TABLE (
  held boolean, failing_tx text, failing_id int, failing_attempts int, failing_since timestamptz,
  waiting boolean, retry_at timestamptz, wait_ms int, redrive boolean,
  id int, channel varchar, data jsonb, tx_text text, created_at_tz timestamptz
)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  IF NOT pg_try_advisory_xact_lock(1885497202, hashtext(p_lock_key)) THEN
    held := false;
    RETURN NEXT;
    RETURN;
  END IF;
  PERFORM set_config('statement_timeout', p_deadline, true),
    set_config('idle_in_transaction_session_timeout', p_deadline, true);
  RETURN QUERY
  WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
  grp AS MATERIALIZED (
    SELECT g.name, g.failing_tx, g.failing_id, g.failing_attempts, g.failing_since,
      (g.retry_at IS NOT NULL AND g.retry_at > now()) AS waiting, g.retry_at,
      greatest(0, ceil(extract(epoch FROM g.retry_at - now()) * 1000))::int AS wait_ms,
      EXISTS (SELECT 1 FROM {{schema}}.postbus_dead_letters AS d WHERE d.group_name = g.name AND d.status = 'redrive') AS redrive
    FROM {{schema}}.postbus_groups AS g WHERE g.name = p_group
  )
  SELECT true, grp.failing_tx::text, grp.failing_id, grp.failing_attempts, grp.failing_since::timestamptz,
    grp.waiting, grp.retry_at::timestamptz, grp.wait_ms, grp.redrive,
    b.id, b.channel, b.data, b.tx_text, b.created_at_tz
  FROM grp
  LEFT JOIN LATERAL (
    SELECT e.id, e.channel, e.data, e.tx::text AS tx_text, e.created_at::timestamptz AS created_at_tz, e.tx AS tx_sort
    FROM {{schema}}.postbus_cursors AS c
    CROSS JOIN horizon AS h
    CROSS JOIN LATERAL (
      SELECT ev.* FROM {{schema}}.events AS ev
      WHERE ev.channel = c.channel AND ev.tx >= c.tx AND (ev.tx, ev.id) > (c.tx, c.id) AND ev.tx < h.xmin
      ORDER BY ev.tx, ev.id LIMIT p_limit
    ) AS e
    WHERE c.group_name = grp.name AND c.channel = ANY(p_channels) AND NOT grp.waiting
    ORDER BY e.tx, e.id LIMIT p_limit
  ) AS b ON true
  ORDER BY b.tx_sort, b.id;
END
$$;
