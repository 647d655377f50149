import type { Executor } from "../driver/executor.js";
import type { ConsumerConfig } from "./consumer-options.js";

/**
 * The batch's server-side deadline, half of `batchTimeoutMs`: as `statement_timeout` and as
 * `idle_in_transaction_session_timeout`, a stalled member's session ends within the whole of it.
 */
export function serverDeadline(config: Pick<ConsumerConfig, "batchTimeoutMs">): string {
  return `${Math.ceil(config.batchTimeoutMs / 2)}ms`;
}

/**
 * How a batch's transaction runs: `READ COMMITTED`, and a statement that gets no answer for 5 s
 * longer than the server would let it run means the connection is half-open: it is dropped.
 */
export function batchTransaction(config: Pick<ConsumerConfig, "batchTimeoutMs">) {
  return {
    isolation: "read committed" as const,
    pipelined: true,
    statementDeadlineMs: Math.ceil(config.batchTimeoutMs / 2) + 5_000,
  };
}

/**
 * Sends the batch's savepoint (a failed handler's writes roll back to it, and the lease stays
 * held) without waiting for it; whoever relies on it awaits the promise, whose failure is
 * otherwise left to the statements queued behind it.
 */
export function sendBatchSavepoint(tx: Executor): Promise<unknown> {
  const savepoint = tx.query("SAVEPOINT postbus_batch");
  savepoint.catch(() => {});
  return savepoint;
}
