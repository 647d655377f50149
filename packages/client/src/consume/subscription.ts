import type { SubscriptionEventMap } from "../observe/postbus-events.js";
import { type ConsumerStats, consumeLoop, type DrainResult } from "./consumer-loop.js";
import { ensureGroup } from "./ensure-group.js";
import type { BatchDeps } from "./run-batch.js";
import { Sleeper } from "./sleeper.js";

/** Channels a wake-up is about, or `"all"` when the writer did not say. */
export type WakeChannels = readonly string[] | "all";

/** Where a subscription hears that events may have committed. */
export interface WakeSource {
  /** Calls `onWake` on each hint and `onReconnect` after hints may have been lost; returns the unsubscribe. */
  subscribe(onWake: (channels: WakeChannels) => void, onReconnect: () => void): () => Promise<void>;
}

/**
 * A running consumer group member.
 *
 * @example
 * ```ts
 * const subscription = bus.subscribe({
 *   group: "risk",
 *   channels: ["signal.triggered"],
 *   handler: async (event, { tx }) => {
 *     await tx.query("INSERT INTO exposures (signal_id) VALUES ($1)", [event.data.signalId]);
 *   },
 * });
 * // …
 * await subscription.close(); // finishes the batch in flight
 * ```
 */
export interface Subscription {
  /** The consumer group. */
  readonly group: string;
  /** Running counters. */
  readonly stats: Readonly<ConsumerStats>;
  /** Resolves once the group exists and the subscription reads; rejects if it cannot start. */
  readonly ready: Promise<void>;
  /**
   * Listens to this subscription's failures (`event:failed`, `event:dead-lettered`,
   * `event:redriven`, `delivery:stalled`); returns the function that stops listening. The
   * client's `on` hears them too. A listener that throws is logged, never breaks delivery.
   *
   * @example
   * ```ts
   * subscription.on("event:dead-lettered", ({ eventType, position, error }) => alert(eventType, position, error));
   * ```
   */
  on<Name extends keyof SubscriptionEventMap>(
    name: Name,
    listener: (payload: SubscriptionEventMap[Name]) => void,
  ): () => void;
  /** Stops after the batch in flight, releases its connections and wake-up subscription. */
  close(): Promise<void>;
}

/** Starts the loop of one subscription. */
export function startSubscription(
  deps: Omit<BatchDeps, "signal">,
  wakes: WakeSource | undefined,
  abort: AbortController,
): Subscription {
  const stats: ConsumerStats = { handled: 0, failedAttempts: 0, deadLettered: 0, redriven: 0 };
  const sleeper = new Sleeper();
  const channels = new Set(deps.config.channels);
  const batchDeps: BatchDeps = { ...deps, signal: abort.signal };
  let unsubscribe: (() => Promise<void>) | undefined;
  const onAbort = () => sleeper.wake();
  abort.signal.addEventListener("abort", onAbort);
  const detach = follow(deps.config.signal, abort);

  const ready = ensureGroup(deps.executor, deps.statements, deps.config).then(() => {
    unsubscribe = wakes?.subscribe(
      (woken) => {
        if (woken === "all" || woken.some((channel) => channels.has(channel))) sleeper.wake();
      },
      () => sleeper.wake(),
    );
  });
  const running = ready
    .then(() => consumeLoop(batchDeps, sleeper, stats, () => abort.signal.aborted))
    .finally(async () => {
      abort.signal.removeEventListener("abort", onAbort);
      detach();
      await unsubscribe?.();
    });
  // A failure to start surfaces through `ready`; `close()` must still resolve.
  const finished = running.catch(() => {});

  return {
    group: deps.config.group,
    stats,
    ready,
    on: (name, listener) => deps.events.on(name, listener),
    async close() {
      abort.abort();
      await finished;
    },
  };
}

/**
 * Handles everything deliverable now (retrying a failing event until it is
 * handled or dead-lettered), then returns the counters, with `stalled` when committed events
 * wait behind a running transaction. Used by `postbus consume --once`.
 */
export async function drainGroup(deps: Omit<BatchDeps, "signal">): Promise<DrainResult> {
  const stats: DrainResult = { handled: 0, failedAttempts: 0, deadLettered: 0, redriven: 0 };
  const abort = new AbortController();
  const sleeper = new Sleeper();
  abort.signal.addEventListener("abort", () => sleeper.wake(), { once: true });
  const detach = follow(deps.config.signal, abort);
  try {
    await ensureGroup(deps.executor, deps.statements, deps.config);
    await consumeLoop({ ...deps, signal: abort.signal }, sleeper, stats, () => abort.signal.aborted, true);
  } finally {
    detach();
  }
  return stats;
}

/** Aborts `abort` when the caller's `signal` aborts; returns the function that stops following it. */
function follow(signal: AbortSignal | undefined, abort: AbortController): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    abort.abort();
    return () => {};
  }
  const onAbort = () => abort.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
