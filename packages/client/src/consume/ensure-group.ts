import type { Executor, TransactionOptions } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { type ConsumerStatements, WAIT_LEASE_SQL } from "../sql/consumer-statements.js";
import type { PartitionStatements } from "../sql/partition-statements.js";
import type { ConsumerConfig } from "./consumer-options.js";
import { startPositions } from "./start-positions.js";

/** The consumer statements of both kinds of group, and the group's lease key (`schema.group`). */
export interface GroupStatements {
  readonly statements: ConsumerStatements;
  readonly partitionStatements: PartitionStatements;
  readonly lockKey: string;
}

/**
 * Creates the group and a cursor for every channel it does not read yet,
 * starting at `from`. Channels it already reads keep their cursors. With `partitions`, a new
 * group is created partitioned and an unpartitioned one becomes partitioned (see
 * {@link convertToPartitions}). Returns the group's stored number of partitions (null: not
 * partitioned).
 */
export async function ensureGroup(
  executor: Executor,
  sql: GroupStatements,
  config: Pick<ConsumerConfig, "group" | "channels" | "from" | "partitions">,
): Promise<number | null> {
  return inTransaction(
    executor,
    async (tx) => {
      const insert =
        config.partitions === undefined
          ? tx.query(sql.statements.ensureGroup, [config.group])
          : tx.query(sql.partitionStatements.ensureGroup, [config.group, config.partitions]);
      await insert;
      let partitions = await storedPartitions(tx, sql, config.group, false);
      if (partitions === null && config.partitions !== undefined) {
        partitions = await convertToPartitions(tx, sql, config.group, config.partitions);
      }
      await placeCursors(tx, sql, partitions, config, "add");
      return partitions;
      // READ COMMITTED whatever the session's default: under REPEATABLE READ two members creating
      // the same group at once would fail with 40001 on the other's row.
    },
    { isolation: "read committed" },
  );
}

/**
 * Moves a group's cursors on the given channels to `to` — back for a replay, or
 * forward to skip. Waits for a batch in flight to finish first (of every partition, in a
 * partitioned group, where every slot of the channels moves).
 */
export async function resetGroup(
  executor: Executor,
  sql: GroupStatements,
  config: Pick<ConsumerConfig, "group" | "channels" | "from">,
): Promise<void> {
  await inTransaction(
    executor,
    async (tx) => {
      await tx.query(sql.statements.ensureGroup, [config.group]);
      await tx.query(WAIT_LEASE_SQL, [sql.lockKey]);
      // Holding the group's lease, no repartition runs (it takes that lease first): the number stays.
      const partitions = await storedPartitions(tx, sql, config.group, false);
      if (partitions !== null)
        await tx.query(sql.partitionStatements.waitPartitionLeases, [sql.lockKey, partitions]);
      await storedPartitions(tx, sql, config.group, true);
      await placeCursors(tx, sql, partitions, config, "set");
      // A failure being retried belongs to where the group was; it must not hold the new position back.
      await tx.query(sql.statements.clearFailure, [config.group]);
      if (partitions !== null) await tx.query(sql.partitionStatements.clearFailures, [config.group]);
    },
    { isolation: "read committed" },
  );
}

/**
 * Makes an unpartitioned group partitioned, in the caller's transaction: waits for its batch in
 * flight (the group's lease), then gives every slot of each channel the channel's cursor and
 * removes the channel cursors, so a member still reading it as one group finds nothing to read
 * and switches. Returns the stored number of partitions (another member's, if it converted the
 * group first).
 */
export async function convertToPartitions(
  tx: Executor,
  sql: GroupStatements,
  group: string,
  partitions: number,
): Promise<number> {
  // The advisory lease before the group's row: a batch takes them in that order too.
  await tx.query(WAIT_LEASE_SQL, [sql.lockKey]);
  const stored = await storedPartitions(tx, sql, group, true);
  if (stored !== null) return stored;
  await tx.query(sql.partitionStatements.convertCursors, [group]);
  await tx.query(sql.partitionStatements.setPartitions, [group, partitions]);
  return partitions;
}

/** The group's stored number of partitions (null: not partitioned), its row locked with `forUpdate`. */
export async function storedPartitions(
  tx: Executor,
  sql: GroupStatements,
  group: string,
  forUpdate: boolean,
): Promise<number | null> {
  const text = forUpdate ? sql.partitionStatements.partitionsForUpdate : sql.partitionStatements.partitions;
  const { rows } = await tx.query<{ partitions: number | null }>(text, [group]);
  return rows[0]?.partitions ?? null;
}

/** Writes the group's cursors at `from`: channel cursors, or every slot's in a partitioned group. */
async function placeCursors(
  tx: Executor,
  sql: GroupStatements,
  partitions: number | null,
  config: Pick<ConsumerConfig, "group" | "channels" | "from">,
  mode: "add" | "set",
): Promise<void> {
  const { statements } = sql;
  const cursorSql =
    partitions === null
      ? mode === "add"
        ? statements.addCursors
        : statements.setCursors
      : mode === "add"
        ? sql.partitionStatements.addCursors
        : sql.partitionStatements.setCursors;
  const starts = await startPositions(tx, statements, config.channels, config.from);
  await tx.query(cursorSql, [
    config.group,
    config.channels,
    starts.map((start) => start.tx),
    starts.map((start) => start.id),
  ]);
}

/** Runs `work` in a transaction of the executor, or explains why it cannot. */
export function inTransaction<T>(
  executor: Executor,
  work: (tx: Executor) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (!executor.transaction) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "Consumers need a pool", {
      subject: { field: "db" },
      hint: "Create the client with a pg.Pool (or an executor with transaction())",
    });
  }
  return executor.transaction(work, options);
}
