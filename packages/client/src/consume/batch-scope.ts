import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import type { BatchDeps } from "./batch-deps.js";
import type { BatchResult, GroupState } from "./batch-result.js";

/** A batch's events as claimed, with the group's state; `slots` (aligned with `events`) in a partitioned group. */
export interface ClaimedBatch {
  readonly kind: "claimed";
  readonly events: readonly StoredEvent[];
  readonly state: GroupState;
  readonly slots?: readonly number[];
  /**
   * The batch's `SAVEPOINT` when the scope already sent it (right behind its claim or read on the
   * connection, so its round trip overlaps theirs); otherwise `runBatch` sends it.
   */
  readonly savepoint?: Promise<unknown>;
}

/** Where a failed attempt of an event is counted, scheduled and dead-lettered. */
export interface FailureBook {
  /** Counts the attempt; returns the event's attempts so far. */
  count(tx: Executor, event: StoredEvent, eventTx: string, error: string): Promise<number>;
  /** Moves the event to the dead letters and its cursor past it. */
  deadLetter(
    tx: Executor,
    event: StoredEvent,
    eventTx: string,
    error: string,
    attempts: number,
  ): Promise<void>;
  /** Makes the failing event wait `delayMs` (server clock) before its next attempt. */
  retry(tx: Executor, delayMs: number): Promise<void>;
}

/**
 * How a batch takes its lease, reads, advances and books failures: per channel for a plain group
 * (`channel-scope.ts`), per slot for a partitioned one (`partition-scope.ts`). The handler loop,
 * the savepoint and the retry rules of `runBatch` are the same for both.
 */
export interface BatchScope {
  /** Whether a batch covers one partition only (then a short batch does not mean caught up). */
  readonly partitioned: boolean;
  /** Takes the lease and reads up to `limit` events, or says why there is nothing to handle. */
  claim(
    deps: BatchDeps,
    tx: Executor,
    limit: number,
  ): Promise<ClaimedBatch | Exclude<BatchResult, { failure: object }>>;
  /**
   * Moves the cursors past the first `count` events of the batch; `clean` when none of them
   * failed, so a failure the group was retrying is over.
   */
  advance(deps: BatchDeps, tx: Executor, batch: ClaimedBatch, count: number, clean: boolean): Promise<void>;
  /** Where the failure of the batch's event at `index` is booked. */
  failures(deps: BatchDeps, batch: ClaimedBatch, index: number): FailureBook;
}
