import type { Executor, TransactionOptions } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { type ConsumerStatements, WAIT_LEASE_SQL } from "../sql/consumer-statements.js";
import type { ConsumerConfig } from "./consumer-options.js";
import { startPositions } from "./start-positions.js";

/**
 * Creates the group and a cursor for every channel it does not read yet,
 * starting at `from`. Channels it already reads keep their cursors.
 */
export async function ensureGroup(
  executor: Executor,
  statements: ConsumerStatements,
  config: Pick<ConsumerConfig, "group" | "channels" | "from">,
): Promise<void> {
  await inTransaction(executor, async (tx) => {
    await tx.query(statements.ensureGroup, [config.group]);
    const starts = await startPositions(tx, statements, config.channels, config.from);
    await tx.query(statements.addCursors, [
      config.group,
      config.channels,
      starts.map((start) => start.tx),
      starts.map((start) => start.id),
    ]);
  });
}

/**
 * Moves a group's cursors on the given channels to `to` — back for a replay, or
 * forward to skip. Waits for a batch in flight to finish first.
 */
export async function resetGroup(
  executor: Executor,
  statements: ConsumerStatements,
  lockKey: string,
  config: Pick<ConsumerConfig, "group" | "channels" | "from">,
): Promise<void> {
  await inTransaction(executor, async (tx) => {
    await tx.query(WAIT_LEASE_SQL, [lockKey]);
    await tx.query(statements.ensureGroup, [config.group]);
    const starts = await startPositions(tx, statements, config.channels, config.from);
    await tx.query(statements.setCursors, [
      config.group,
      config.channels,
      starts.map((start) => start.tx),
      starts.map((start) => start.id),
    ]);
    // A failure being retried belongs to where the group was; it must not hold the new position back.
    await tx.query(statements.clearFailure, [config.group]);
  });
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
