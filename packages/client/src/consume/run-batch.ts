import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import type { PostbusLogger } from "../log/logger.js";
import type { EventHub } from "../observe/event-hub.js";
import type { SubscriptionEventMap } from "../observe/postbus-events.js";
import type { ConsumerTelemetry } from "../observe/telemetry/telemetry-hooks.js";
import type { Publisher } from "../publish/publisher.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";
import type { PartitionStatements } from "../sql/partition-statements.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import { type UnknownEventTypePolicy, validatePayload } from "../validate/validate-payload.js";
import type { BatchScope } from "./batch-scope.js";
import { callHandler, handlerTimeout } from "./call-handler.js";
import { channelScope } from "./channel-scope.js";
import type { ConsumerConfig } from "./consumer-options.js";
import { inTransaction } from "./ensure-group.js";
import { bookFailure, type FailureOutcome } from "./record-failure.js";
import { storedEventRejected } from "./stored-event-rejected.js";

/** Everything a batch needs, fixed for the life of a subscription. */
export interface BatchDeps {
  readonly executor: Executor;
  readonly statements: ConsumerStatements;
  /** The statements of partitioned groups. */
  readonly partitionStatements: PartitionStatements;
  /** `schema.group`: the advisory lock's key. */
  readonly lockKey: string;
  readonly config: ConsumerConfig;
  readonly publisher: Publisher;
  readonly validators: ValidatorRegistry | undefined;
  readonly unknownEventTypes: UnknownEventTypePolicy;
  /** Whether Postbus's frequent statements are prepared (named). */
  readonly prepared: boolean;
  /** Called after a batch commits with the channels its handlers published to. */
  readonly committed: (channels: Set<string>) => void;
  /** Where a stalled delivery and dead letters are reported. */
  readonly logger: PostbusLogger;
  /** The subscription's event listeners (`subscription.on`), under the client's. */
  readonly events: EventHub<SubscriptionEventMap>;
  /** The group's telemetry hooks; undefined (no work at all) when telemetry is not configured. */
  readonly telemetry?: ConsumerTelemetry | undefined;
  readonly signal: AbortSignal;
}

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

/** Thrown to abandon a batch when the subscription is closing: everything rolls back. */
class Closing extends Error {}

/**
 * One batch, one transaction, under the group's lease (a transaction-scoped
 * advisory lock taken in the same round trip as the read, before it: see `claimBatch`):
 *
 * 1. read up to `limit` events after the group's cursors on this member's channels;
 * 2. `SAVEPOINT`, then call the handler for each event in order;
 * 3. if the handler of event k fails — it throws, or a statement of its fails even if it
 *    caught the error — roll back to the savepoint, run events 0…k−1 again, and book the
 *    failed attempt of event k (retry later, or dead-letter at `maxAttempts`);
 * 4. advance the cursors by compare-and-set, commit.
 *
 * The handlers' writes, the cursor and the failure bookkeeping commit together, and
 * never while another member holds the lease.
 */
export async function runBatch(
  deps: BatchDeps,
  limit: number,
  scope: BatchScope = channelScope,
): Promise<BatchResult> {
  const published = new Set<string>();
  try {
    const result = await inTransaction(
      deps.executor,
      async (tx): Promise<BatchResult> => {
        const receivedFrom = deps.telemetry === undefined ? 0 : Date.now();
        const claimed = await scope.claim(deps, tx, limit);
        if (claimed.kind !== "claimed") return claimed;
        const { events, state } = claimed;
        if (deps.telemetry !== undefined) deps.telemetry.received(events, receivedFrom);

        // Not awaited: the savepoint's round trip overlaps the handlers' work (their statements
        // queue behind it on the connection); it is awaited before anything relies on it.
        const savepoint = tx.query("SAVEPOINT postbus_batch");
        savepoint.catch(() => {});
        let count = events.length;
        let failed: { index: number; error: unknown } | undefined;
        for (;;) {
          published.clear();
          const attempt = await handleAll(deps, tx, events.slice(0, count), state, published);
          await savepoint;
          if (attempt === undefined) break;
          if (deps.signal.aborted) throw new Closing();
          await tx.query("ROLLBACK TO SAVEPOINT postbus_batch");
          failed = attempt;
          count = attempt.index;
          if (count === 0) {
            published.clear();
            break;
          }
        }
        if (count > 0) await scope.advance(deps, tx, claimed, count, failed === undefined);
        if (!failed) return { kind: "handled", count, state };
        const event = events[failed.index]!;
        const outcome = await bookFailure(
          deps,
          tx,
          event,
          failed.error,
          scope.failures(deps, claimed, failed.index),
        );
        return { kind: "handled", count, state, failure: { event, outcome } };
      },
      batchTransaction(deps.config),
    );
    if (result.kind === "handled" && result.count > 0 && published.size > 0) deps.committed(published);
    return result;
  } catch (error) {
    if (error instanceof Closing) return { kind: "busy" };
    throw error;
  }
}

/**
 * Calls the handler for each event; returns the first failure. A statement that failed inside a
 * handler counts against that handler's event even when the handler caught the error (the
 * transaction is aborted from then on, so nothing after it could commit).
 */
async function handleAll(
  deps: BatchDeps,
  tx: Executor,
  events: readonly StoredEvent[],
  state: GroupState,
  published: Set<string>,
): Promise<{ index: number; error: unknown } | undefined> {
  let current = 0;
  let poisoned: { index: number; error: unknown } | undefined;
  // Set when a handler call timed out: what it still sends must not run in the batch any more.
  let expired: StoredEvent | undefined;
  const watched: Executor = {
    inCallerTransaction: false,
    async query(text, values, options) {
      if (expired !== undefined)
        throw handlerTimeout(deps.config.group, expired, deps.config.handlerTimeoutMs);
      try {
        return await tx.query(text, values, options);
      } catch (error) {
        poisoned ??= { index: current, error };
        throw error;
      }
    },
  };
  const scope = deps.publisher.scope(watched, published);
  for (const [index, stored] of events.entries()) {
    current = index;
    // Events of other types are passed over unread: not validated, not handed to the handler.
    if (deps.config.eventTypes !== undefined && !deps.config.eventTypes.has(stored.type)) continue;
    try {
      const event = await validated(deps, stored);
      await callHandler(
        deps.config,
        event,
        {
          group: deps.config.group,
          attempt: (state.failing.get(stored.position) ?? 0) + 1,
          tx: scope,
          signal: deps.signal,
        },
        () => {
          expired = event;
        },
      );
    } catch (error) {
      return poisoned && poisoned.index < index ? poisoned : { index, error };
    }
    if (poisoned) return poisoned;
  }
  return undefined;
}

/** Validates the payload against the registry, when there is one; the handler sees the validator's output. */
export async function validated(
  deps: Pick<BatchDeps, "validators" | "unknownEventTypes">,
  event: StoredEvent,
): Promise<StoredEvent> {
  if (!deps.validators) return event;
  const data = await validatePayload(
    deps.validators,
    deps.unknownEventTypes,
    event.type,
    event.data,
    undefined,
  ).catch((error: unknown) => {
    throw storedEventRejected(error, event);
  });
  if (data === event.data) return event;
  return { ...event, data, envelope: { ...event.envelope, data } };
}

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
    statementDeadlineMs: Math.ceil(config.batchTimeoutMs / 2) + 5_000,
  };
}
