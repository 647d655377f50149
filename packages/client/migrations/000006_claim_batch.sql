-- Postbus migration 000006: a consumer batch's lease and read in one round trip.
--
-- A batch used to take the group's lease (a transaction-scoped advisory lock) in one statement
-- and read its events in the next. They cannot simply be one SQL statement: a statement's
-- snapshot is taken before it runs, so a read fused with the lock could see the cursor as it was
-- before the member that held the lease a moment ago committed its advance, and handle those
-- events again. In a VOLATILE SQL function each statement takes a fresh snapshot: the first
-- takes the lease (and notes the outcome in a transaction-local setting), the second reads with
-- a snapshot taken after the lease was granted. Called in a SELECT list (not FROM), the rows
-- stream to the client as they are read instead of being collected first.
--
-- Rows, each with `held` set only on the first kind:
-- * one row with held = false when another member holds the lease;
-- * else one row of the group's state (held = true; `data` holds the state as a JSON object with
--   failing_tx, failing_id, failing_attempts, waiting, wait_ms and redrive), none when the group
--   does not exist;
-- * then, unless the group is `waiting` for a retry, up to p_limit events in (tx, id) order
--   across the group's channels, each channel read from its own cursor, below the horizon (held
--   null). With one channel they come straight off the index in order; with several, the
--   per-channel reads are merged. Six columns, as few as an event needs: each costs the client
--   a field to parse per row.
-- p_lock_key is `schema.group`; p_deadline a duration such as '15000ms', set as the transaction's
-- statement_timeout and idle_in_transaction_session_timeout (see the client's lease statement).
CREATE OR REPLACE FUNCTION {{schema}}.postbus_claim_batch(
  p_group varchar, p_limit int, p_channels varchar[], p_lock_key text, p_deadline text
) RETURNS TABLE (held boolean, id int, channel varchar, data jsonb, tx_text text, created_at_tz timestamptz)
LANGUAGE sql VOLATILE AS $$
SELECT set_config('postbus.lease', pg_try_advisory_xact_lock(1885497202, hashtext(p_lock_key))::text, true),
  set_config('statement_timeout', p_deadline, true),
  set_config('idle_in_transaction_session_timeout', p_deadline, true);

WITH lease AS MATERIALIZED (SELECT current_setting('postbus.lease') = 'true' AS held),
grp AS MATERIALIZED (
  SELECT g.name, g.failing_tx, g.failing_id, g.failing_attempts,
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
    'redrive', grp.redrive),
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
