import { CLAIMED_COLUMNS } from "./select-latest-events.js";
/**
 * The statements of partitioned consumer groups (migration 000008), built once per client for its
 * quoted schema. Cursors and failures are kept per slot: 64 fixed hash buckets of the events'
 * `metadata.partition_key`; partition p of n owns the slots s with s % n = p.
 */

/** Number of slots keys hash into; the most partitions a group can have. */
export const SLOT_COUNT = 64;

/** First key of a partition's advisory lock ("pbpt"); the second is `hashtext('schema.group/p')`. */
export const PARTITION_LOCK_NAMESPACE = 0x70627074;

/**
 * The slot of an event row `alias`, exactly as the index `events_channel_slot_tx_id_idx`
 * computes it (the planner uses the index only for this very expression).
 */
export function slotOf(alias: string): string {
  return `(hashtext(coalesce(${alias}.data->'metadata'->>'partition_key', '')) & 63)`;
}

/** Builds the partitioned-group statements for a quoted schema. */
export function partitionStatements(schema: string) {
  return Object.freeze({
    /**
     * Takes the lease of a partition with work and reads its batch: $1 group, $2 limit, $3 channels,
     * $4 `schema.group`, $5 the server-side deadline, $6 the partition to try first. See
     * `postbus_claim_partition` (migration 000008) for its rows.
     */
    claim: `SELECT ${CLAIMED_COLUMNS}, (b.r).slot FROM (SELECT ${schema}.postbus_claim_partition($1::varchar, $2::int, $3::varchar[], $4::text, $5::text, $6::int) AS r OFFSET 0) AS b`,

    /** The group's number of partitions (null: not partitioned): $1 group. */
    partitions: `SELECT partitions FROM ${schema}.postbus_groups WHERE name = $1`,

    /** The group's number of partitions, locking its row: $1 group. */
    partitionsForUpdate: `SELECT partitions FROM ${schema}.postbus_groups WHERE name = $1 FOR UPDATE`,

    /** Creates the group partitioned if it is missing: $1 group, $2 partitions. */
    ensureGroup: `INSERT INTO ${schema}.postbus_groups (name, partitions) VALUES ($1, $2::int) ON CONFLICT (name) DO NOTHING`,

    /** Sets the number of partitions: $1 group, $2 partitions. */
    setPartitions: `UPDATE ${schema}.postbus_groups SET partitions = $2::int WHERE name = $1`,

    /**
     * Waits for the leases of partitions 0…$2−1 of the group ($1 `schema.group`): a batch of any of
     * them in flight finishes first, and none starts until the transaction ends.
     */
    waitPartitionLeases: `SELECT count(pg_advisory_xact_lock(${PARTITION_LOCK_NAMESPACE}, hashtext($1 || '/' || p)))::int AS n
FROM generate_series(0, $2::int - 1) AS p`,

    /**
     * Turns an unpartitioned group's channel cursors into slot cursors (each slot of a channel
     * starts where the channel's cursor was) and removes them: $1 group. Its failing event, if
     * any, is forgotten: its attempts start again from 1.
     */
    convertCursors: `WITH old AS (
  DELETE FROM ${schema}.postbus_cursors WHERE group_name = $1 RETURNING channel, tx, id
), slots AS (
  INSERT INTO ${schema}.postbus_slot_cursors (group_name, channel, slot, tx, id)
  SELECT $1, old.channel, s, old.tx, old.id FROM old CROSS JOIN generate_series(0, ${SLOT_COUNT - 1}) AS s
  ON CONFLICT (group_name, channel, slot) DO NOTHING
  RETURNING 1
), cleared AS (
  UPDATE ${schema}.postbus_groups SET failing_tx = NULL, failing_id = NULL, failing_attempts = 0,
    failing_since = NULL, last_error = NULL, retry_at = NULL
  WHERE name = $1 RETURNING 1
)
SELECT (SELECT count(*) FROM slots)::int AS slots`,

    /**
     * Adds slot cursors for channels the group does not read yet, every slot at the channel's
     * start: $1 group, $2 channels, $3 tx[], $4 id[].
     */
    addCursors: `INSERT INTO ${schema}.postbus_slot_cursors (group_name, channel, slot, tx, id)
SELECT $1, v.channel, s, v.tx, v.id
FROM unnest($2::varchar[], $3::xid8[], $4::int[]) AS v(channel, tx, id)
CROSS JOIN generate_series(0, ${SLOT_COUNT - 1}) AS s
ON CONFLICT (group_name, channel, slot) DO NOTHING`,

    /** Sets every slot cursor of the channels (reset, rewind): same parameters as addCursors. */
    setCursors: `INSERT INTO ${schema}.postbus_slot_cursors (group_name, channel, slot, tx, id)
SELECT $1, v.channel, s, v.tx, v.id
FROM unnest($2::varchar[], $3::xid8[], $4::int[]) AS v(channel, tx, id)
CROSS JOIN generate_series(0, ${SLOT_COUNT - 1}) AS s
ON CONFLICT (group_name, channel, slot) DO UPDATE SET tx = EXCLUDED.tx, id = EXCLUDED.id, updated_at = now()`,

    /**
     * Advances slot cursors by compare-and-set and forgets the failures of the slots that moved
     * (a slot's failing event is its first: if any event of the slot was handled, it was), and
     * touches the group's `last_active_at` when it is a second old: $1 group, $2 channels, $3 slots,
     * $4 tx[], $5 id[]. `moved` below the number of pairs means someone else moved a cursor.
     */
    advance: `WITH moved AS (
  UPDATE ${schema}.postbus_slot_cursors AS c SET tx = v.tx, id = v.id, updated_at = now()
  FROM unnest($2::varchar[], $3::int[], $4::xid8[], $5::int[]) AS v(channel, slot, tx, id)
  WHERE c.group_name = $1 AND c.channel = v.channel AND c.slot = v.slot AND (c.tx, c.id) < (v.tx, v.id)
  RETURNING 1
), cleared AS (
  DELETE FROM ${schema}.postbus_slot_failures WHERE group_name = $1 AND slot = ANY($3::int[]) RETURNING 1
), touched AS (
  -- At most about once a second: every partition's batches would otherwise queue on this one row's
  -- lock until each other's commit.
  UPDATE ${schema}.postbus_groups SET last_active_at = now()
  WHERE name = $1 AND (last_active_at IS NULL OR last_active_at < now() - interval '1 second')
  RETURNING 1
)
SELECT (SELECT count(*) FROM moved)::int AS moved`,

    /**
     * Counts a failed attempt of an event in its slot: $1 group, $2 slot, $3 tx, $4 id, $5 error.
     * Returns the attempts so far (1 when another event of the slot was failing before).
     */
    countFailure: `WITH counted AS (
  INSERT INTO ${schema}.postbus_slot_failures AS f (group_name, slot, failing_tx, failing_id, failing_attempts, last_error)
  VALUES ($1::varchar, $2::int, $3::xid8, $4::int, 1, $5::text)
  ON CONFLICT (group_name, slot) DO UPDATE SET
    failing_attempts = CASE WHEN f.failing_tx = EXCLUDED.failing_tx AND f.failing_id = EXCLUDED.failing_id
      THEN f.failing_attempts + 1 ELSE 1 END,
    failing_since = CASE WHEN f.failing_tx = EXCLUDED.failing_tx AND f.failing_id = EXCLUDED.failing_id
      THEN f.failing_since ELSE now() END,
    failing_tx = EXCLUDED.failing_tx, failing_id = EXCLUDED.failing_id, last_error = EXCLUDED.last_error,
    retry_at = NULL
  RETURNING f.failing_attempts
), touched AS (
  UPDATE ${schema}.postbus_groups SET last_active_at = now() WHERE name = $1 RETURNING 1
)
SELECT failing_attempts FROM counted`,

    /** When a slot's failing event may be tried again: $1 group, $2 slot, $3 delay in ms. */
    scheduleRetry: `UPDATE ${schema}.postbus_slot_failures SET retry_at = now() + make_interval(secs => $3::float8 / 1000)
WHERE group_name = $1::varchar AND slot = $2::int`,

    /**
     * Moves an event to the dead letters and its slot past it: $1 group, $2 slot, $3 event id, $4 tx,
     * $5 error, $6 attempts. Returns the dead letter's id and whether the cursor moved.
     */
    deadLetter: `WITH dl AS (
  INSERT INTO ${schema}.postbus_dead_letters (group_name, event_id, channel, event_tx, data, error, attempts, first_failed_at)
  SELECT $1::varchar, ev.id, ev.channel, ev.tx, ev.data, $5::text, $6::int,
    coalesce((SELECT f.failing_since FROM ${schema}.postbus_slot_failures AS f WHERE f.group_name = $1 AND f.slot = $2::int), now())
  FROM ${schema}.events AS ev
  WHERE ev.id = $3::int
  ON CONFLICT (group_name, event_id) DO UPDATE SET status = 'dead', error = EXCLUDED.error,
    attempts = ${schema}.postbus_dead_letters.attempts + EXCLUDED.attempts, dead_at = now(), redriven_at = NULL
  RETURNING id, channel
), moved AS (
  UPDATE ${schema}.postbus_slot_cursors AS c SET tx = $4::xid8, id = $3::int, updated_at = now()
  FROM dl WHERE c.group_name = $1::varchar AND c.channel = dl.channel AND c.slot = $2::int
    AND (c.tx, c.id) < ($4::xid8, $3::int)
  RETURNING 1
), cleared AS (
  DELETE FROM ${schema}.postbus_slot_failures WHERE group_name = $1::varchar AND slot = $2::int RETURNING 1
)
SELECT (SELECT id FROM dl)::text AS dead_letter_id, (SELECT count(*) FROM moved)::int AS moved`,

    /** Forgets every slot's failure (a reset moved the group elsewhere): $1 group. */
    clearFailures: `DELETE FROM ${schema}.postbus_slot_failures WHERE group_name = $1::varchar`,
  });
}

/** The partitioned-group statements of one schema. */
export type PartitionStatements = ReturnType<typeof partitionStatements>;
