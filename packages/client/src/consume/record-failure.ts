import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import type { BatchDeps } from "./batch-deps.js";
import type { FailureOutcome } from "./batch-result.js";
import type { FailureBook } from "./batch-scope.js";
import { describeError } from "./describe-error.js";

/** Longest wait before a retry: a day. */
const MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * Books a failed attempt of `event` inside the batch's transaction, under the
 * lease of the group (or of the event's partition), in `book`: attempts are counted in the database (so every member of the
 * group counts the same), and at `maxAttempts` the event moves to the dead
 * letters with the error and its attempts while the group's cursor moves past it.
 * Below that, the group waits `retryDelayMs(attempt)` before trying it again.
 */
export async function bookFailure(
  deps: BatchDeps,
  tx: Executor,
  event: StoredEvent,
  error: unknown,
  book: FailureBook,
): Promise<FailureOutcome> {
  const { config } = deps;
  const text = describeError(error);
  const eventTx = event.position.split(":")[0]!;
  const attempts = await book.count(tx, event, eventTx, text);
  if (attempts >= config.maxAttempts) {
    await book.deadLetter(tx, event, eventTx, text, attempts);
    return { kind: "dead-lettered", attempts, error: text, cause: error };
  }
  const retryInMs = retryDelay(config.retryDelayMs, attempts);
  await book.retry(tx, retryInMs);
  return { kind: "retry-later", attempts, retryInMs, error: text, cause: error };
}

/** The user's delay for `attempt`, made safe: a finite number of ms from 0 to a day. */
function retryDelay(delay: (attempt: number) => number, attempt: number): number {
  let ms: number;
  try {
    ms = Number(delay(attempt));
  } catch {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms)) return 1_000;
  return Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);
}
