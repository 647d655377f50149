import { TRY_LEASE_SQL } from "../sql/consumer-statements.js";
import { describeError } from "./describe-error.js";
import { inTransaction } from "./ensure-group.js";
import type { BatchDeps, BatchResult } from "./run-batch.js";

/** What became of a failed event. */
export type FailureOutcome = "retry-later" | "dead-lettered" | "busy";

/**
 * Books a failed attempt in its own transaction. Below `maxAttempts` the group
 * waits `retryDelayMs(attempt)` and tries the event again; at `maxAttempts` the
 * event moves to the dead letters, with the error and its attempts, and the
 * group's cursor moves past it.
 */
export async function recordFailure(
  deps: BatchDeps,
  failed: Extract<BatchResult, { kind: "failed" }>,
): Promise<FailureOutcome> {
  const { config, statements } = deps;
  const error = describeError(failed.error);
  const tx = failed.event.position.split(":")[0]!;
  return inTransaction(deps.executor, async (db) => {
    const lease = await db.query<{ held: boolean }>(TRY_LEASE_SQL, [deps.lockKey]);
    if (!lease.rows[0]?.held) return "busy";
    if (failed.attempt >= config.maxAttempts) {
      await db.query(statements.deadLetter, [config.group, failed.event.id, tx, error, failed.attempt]);
      return "dead-lettered";
    }
    const delay = Math.max(0, config.retryDelayMs(failed.attempt));
    await db.query(statements.recordFailure, [
      config.group,
      tx,
      failed.event.id,
      failed.attempt,
      error,
      delay,
    ]);
    return "retry-later";
  });
}
