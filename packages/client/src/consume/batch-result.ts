import type { StoredEvent } from "../envelope.js";

/** What became of a failed event: retried after `retryInMs`, or dead-lettered. */
export type FailureOutcome =
  | {
      readonly kind: "retry-later";
      readonly attempts: number;
      readonly retryInMs: number;
      readonly error: string;
      readonly cause: unknown;
    }
  | {
      readonly kind: "dead-lettered";
      readonly attempts: number;
      readonly error: string;
      readonly cause: unknown;
    };

/** The group's state, as read at the start of a batch. */
export interface GroupState {
  /** The attempts so far of each failing event of the batch's part of the group, by position. */
  readonly failing: ReadonlyMap<string, number>;
  /** Whether dead letters wait to be redriven. */
  readonly redrive: boolean;
}

/** What one batch did. */
export type BatchResult =
  /** Another process holds the group's lease. */
  | { readonly kind: "busy" }
  /** The group is partitioned now: this member must read it partition by partition. */
  | { readonly kind: "partitioned" }
  /** The group is not partitioned (any more): this member must read it as one. */
  | { readonly kind: "unpartitioned" }
  /** The group waits `waitMs` (server clock) before it retries a failing event. */
  | { readonly kind: "waiting"; readonly waitMs: number; readonly state: GroupState }
  /**
   * Committed `count` events (0: nothing deliverable). With `failure`, the handler of the event
   * after them failed: that attempt was booked in the same transaction.
   */
  | {
      readonly kind: "handled";
      readonly count: number;
      readonly state: GroupState;
      readonly failure?: { readonly event: StoredEvent; readonly outcome: FailureOutcome };
    };
