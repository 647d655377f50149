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
  await inTransaction(executor, (tx) => placeCursors(tx, statements, config, statements.addCursors));
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
    await placeCursors(tx, statements, config, statements.setCursors);
    // A failure being retried belongs to where the group was; it must not hold the new position back.
    await tx.query(statements.clearFailure, [config.group]);
  });
}

/** Creates the group if missing and writes its cursors at `from` with `cursorSql` (add or set). */
async function placeCursors(
  tx: Executor,
  statements: ConsumerStatements,
  config: Pick<ConsumerConfig, "group" | "channels" | "from">,
  cursorSql: string,
): Promise<void> {
  await tx.query(statements.ensureGroup, [config.group]);
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
