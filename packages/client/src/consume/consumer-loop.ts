import { isTransientError } from "../driver/transient-error.js";
import { PostbusDatabaseError, PostbusError } from "../errors/postbus-error.js";
import type { DeliveryStalled } from "../observe/postbus-events.js";
import { reportFailure } from "../observe/report-failure.js";
import type { BatchDeps } from "./batch-deps.js";
import type { BatchResult } from "./batch-result.js";
import type { BatchScope } from "./batch-scope.js";
import { redriveDeadLetters } from "./redrive-dead-letters.js";
import { runBatch } from "./run-batch.js";
import type { Sleeper } from "./sleeper.js";
import { StallWatch } from "./stall-watch.js";

/** Counters of one subscription (or drain). */
export interface ConsumerStats {
  /** Events handled and committed. */
  handled: number;
  /** Failed attempts booked. */
  failedAttempts: number;
  /** Events moved to the dead letters. */
  deadLettered: number;
  /** Dead letters handled again on redrive. */
  redriven: number;
}

/** What a drain returns: the counters, and why it stopped short if delivery is stalled. */
export interface DrainResult extends ConsumerStats {
  /**
   * Set when the drain ended with committed events it could not deliver because a transaction
   * that is still running holds the read horizon (`postbus consume --once` then exits 1).
   */
  stalled?: DeliveryStalled;
}

/** Times a drain that finds its delivery stalled looks again (100 ms, then doubling) before it reports it. */
const DRAIN_STALL_CHECKS = 3;

/** First re-read after a wake-up that found nothing (the event may sit behind a running transaction). */
const QUICK_RETRY_MS = 2;

/**
 * How many times in a row a drain (`once`) retries a transient error (a lost connection, a
 * restart) before it gives up: with the backoff (50 ms doubling, jittered, capped at five poll
 * intervals) about 5–10 s. A persistent error (a missing privilege, missing tables) ends it at once.
 */
export const DRAIN_TRANSIENT_RETRIES = 8;

/**
 * Runs batches until `shouldStop()`: handles what is there, then sleeps until
 * a wake-up, the retry time of a failing event, or the polling backstop.
 * Returns when stopped (or, with `once`, when caught up). A subscription retries every error
 * of its own (reported to `onError`); with `once` a persistent error, or a transient one
 * {@link DRAIN_TRANSIENT_RETRIES} times in a row, rejects instead.
 */
export async function consumeLoop(
  deps: BatchDeps,
  sleeper: Sleeper,
  stats: DrainResult,
  shouldStop: () => boolean,
  once = false,
  scope?: BatchScope,
): Promise<"stopped" | "mode changed"> {
  const { config } = deps;
  let quickDelay = QUICK_RETRY_MS;
  let lastWake: "wake" | "timeout" = "timeout";
  let errorDelay = 50;
  let busyRounds = 0;
  let errorsInARow = 0;
  let stallChecks = 0;
  const stalls = new StallWatch(deps);
  while (!shouldStop()) {
    let result: BatchResult;
    try {
      result = await runBatch(deps, config.batchSize, scope);
      if ("state" in result && result.state.redrive && !shouldStop()) {
        // Await first: `stats.redriven += await …` reads the counter before the await, and the
        // partition workers of one drain share `stats`, so a worker whose redrive found the lease
        // taken would write back the 0 it read and erase the count of the one that handled it.
        const redriven = await redriveDeadLetters(deps);
        stats.redriven += redriven;
      }
      errorDelay = 50;
      errorsInARow = 0;
    } catch (error) {
      if (shouldStop()) return "stopped";
      errorsInARow += 1;
      if (once && (!isTransientError(error) || errorsInARow > DRAIN_TRANSIENT_RETRIES)) {
        throw drainStopped(config.group, error, errorsInARow);
      }
      config.onError(error);
      lastWake = await sleeper.sleep(jitter(errorDelay));
      errorDelay = Math.min(errorDelay * 2, config.pollIntervalMs * 5);
      continue;
    }
    switch (result.kind) {
      case "handled":
        stats.handled += result.count;
        if (result.count > 0) stalls.delivered();
        else if (!once) await stalls.foundNothing();
        if (result.failure) {
          stats.failedAttempts += 1;
          if (result.failure.outcome.kind === "dead-lettered") stats.deadLettered += 1;
          reportFailure(deps, result.failure.event, result.failure.outcome);
          continue; // the group now waits for the retry time, or moves past the dead letter
        }
        if (result.count > 0) {
          quickDelay = QUICK_RETRY_MS;
          busyRounds = 0;
          // A partitioned group's batch is one partition's: a short one says nothing of the others.
          if (result.count >= config.batchSize || scope?.partitioned === true) continue;
        }
        if (once) {
          const stalled = await stalls.check();
          if (stalled === undefined) return "stopped";
          if (stallChecks >= DRAIN_STALL_CHECKS) {
            stats.stalled = stalled;
            return "stopped";
          }
          // Maybe a transaction that is about to commit: look again before calling it a stall.
          await sleeper.sleep(100 * 2 ** stallChecks++);
          continue;
        }
        if (result.count === 0 && lastWake === "wake") {
          // Woken, yet nothing deliverable: the event's transaction, or an older one, is still
          // running. Look again soon, backing off towards the polling interval.
          lastWake = await sleeper.sleep(quickDelay);
          if (lastWake === "timeout") lastWake = quickDelay < config.pollIntervalMs ? "wake" : "timeout";
          quickDelay = Math.min(quickDelay * 2, config.pollIntervalMs);
          continue;
        }
        lastWake = await sleeper.sleep(config.pollIntervalMs);
        continue;
      case "waiting":
        lastWake = await sleeper.sleep(Math.min(Math.max(result.waitMs, 5), config.pollIntervalMs));
        continue;
      case "busy":
        // A drain's partition worker: whoever holds the partitions with work is draining them.
        if (once && (scope?.partitioned === true || ++busyRounds > 3)) return "stopped";
        lastWake = await sleeper.sleep(config.pollIntervalMs);
        continue;
      case "partitioned":
      case "unpartitioned":
        return "mode changed";
    }
  }
  return "stopped";
}

/** The error a drain ends with: the cause's code and SQLSTATE, naming the group. */
function drainStopped(group: string, error: unknown, attempts: number): PostbusError {
  const transient = isTransientError(error);
  const reason = error instanceof PostbusError ? error.reason : String(error);
  const hint = transient
    ? `It failed ${attempts} times in a row; check that the database is reachable and run it again`
    : "This does not go away by retrying: fix the cause (for example the role's privileges, or run `postbus migrate`) and run it again";
  return new PostbusDatabaseError(
    error instanceof PostbusError ? error.code : "POSTBUS_DATABASE_ERROR",
    `Consumer group "${group}" stopped: ${reason}`,
    {
      subject: { group },
      sqlstate: error instanceof PostbusDatabaseError ? error.sqlstate : undefined,
      cause: error,
      hint,
    },
  );
}

function jitter(ms: number): number {
  return Math.round(ms / 2 + Math.random() * (ms / 2));
}
