import type { Executor } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { WAIT_LEASE_SQL } from "../sql/consumer-statements.js";
import { SLOT_COUNT } from "../sql/partition-statements.js";
import { checkIntegerOption } from "../validate/check-integer.js";
import { type GroupStatements, inTransaction } from "./ensure-group.js";

/** What a repartition changed. */
export interface RepartitionResult {
  /** The number of partitions before (null: the group was not partitioned). */
  readonly from: number | null;
  /** The number of partitions now. */
  readonly to: number;
}

/**
 * Sets the number of partitions of an existing group (making an unpartitioned group
 * partitioned). Waits for the batches in flight — the group's lease, then the lease of every
 * partition under the old and the new numbering — and changes the number in the same
 * transaction, so no batch runs under the old numbering after it commits. Cursors and failures
 * are kept per slot and do not move: no event is handled twice or skipped, and each key keeps its
 * order. Members pick the new number up at their next batch.
 */
export async function repartitionGroup(
  executor: Executor,
  sql: GroupStatements,
  group: string,
  partitions: number,
): Promise<RepartitionResult> {
  const to = checkIntegerOption(partitions, {
    fallback: 1,
    field: "partitions",
    min: 1,
    max: SLOT_COUNT,
    hint: `Give a number of partitions from 1 to ${SLOT_COUNT}`,
  });
  return inTransaction(
    executor,
    async (tx) => {
      await tx.query(WAIT_LEASE_SQL, [sql.lockKey]);
      const { rows } = await tx.query<{ partitions: number | null }>(sql.partitionStatements.partitions, [
        group,
      ]);
      if (rows.length === 0) {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `Consumer group "${group}" does not exist`, {
          subject: { group },
          hint: "Check the group's name (postbus status lists the groups), or subscribe with the partitions option to create it",
        });
      }
      const from = rows[0]!.partitions;
      await tx.query(sql.partitionStatements.waitPartitionLeases, [sql.lockKey, Math.max(from ?? 0, to)]);
      // Everything that changes the number takes the group's lease first, so it is still `from`.
      await tx.query(sql.partitionStatements.partitionsForUpdate, [group]);
      if (from === null) await tx.query(sql.partitionStatements.convertCursors, [group]);
      await tx.query(sql.partitionStatements.setPartitions, [group, to]);
      return { from, to };
      // READ COMMITTED: the reads after each lease must see what the lease's last holder committed.
    },
    { isolation: "read committed" },
  );
}
