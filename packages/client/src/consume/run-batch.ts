import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { validatePayload } from "../validate/validate-payload.js";
import type { BatchDeps } from "./batch-deps.js";
import type { BatchResult, GroupState } from "./batch-result.js";
import type { BatchScope } from "./batch-scope.js";
import { batchTransaction, sendBatchSavepoint } from "./batch-transaction.js";
import { callHandler, handlerTimeout } from "./call-handler.js";
import { channelScope } from "./channel-scope.js";
import { inTransaction } from "./ensure-group.js";
import { bookFailure } from "./record-failure.js";
import { storedEventRejected } from "./stored-event-rejected.js";

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
        // queue behind it on the connection); it is awaited before anything relies on it. The
        // scope may have sent it already, behind its own statements.
        const savepoint = claimed.savepoint ?? sendBatchSavepoint(tx);
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
