import type { SubscriptionEventMap } from "../observe/postbus-events.js";
import type { WakeSource } from "../wake/wake-source.js";
import type { BatchDeps } from "./batch-deps.js";
import { channelScope } from "./channel-scope.js";
import { type ConsumerStats, consumeLoop, type DrainResult } from "./consumer-loop.js";
import { ensureGroup } from "./ensure-group.js";
import { partitionScope } from "./partition-scope.js";
import { Sleeper } from "./sleeper.js";

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
  const sleepers = new Set<Sleeper>();
  const wakeAll = () => {
    for (const sleeper of sleepers) sleeper.wake();
  };
  const channels = new Set(deps.config.channels);
  const batchDeps: BatchDeps = { ...deps, signal: abort.signal };
  let unsubscribe: (() => Promise<void>) | undefined;
  abort.signal.addEventListener("abort", wakeAll);
  const detach = follow(deps.config.signal, abort);

  const ready = ensureGroup(deps.executor, deps, deps.config).then((partitions) => {
    unsubscribe = wakes?.subscribe((woken) => {
      if (woken === "all" || woken.some((channel) => channels.has(channel))) wakeAll();
    }, wakeAll);
    return partitions;
  });
  const running = ready
    .then((partitions) =>
      runMember(batchDeps, partitions, sleepers, stats, () => abort.signal.aborted, false),
    )
    .finally(async () => {
      abort.signal.removeEventListener("abort", wakeAll);
      detach();
      await unsubscribe?.();
    });
  // A failure to start surfaces through `ready`; `close()` must still resolve.
  const finished = running.catch(() => {});
  const started = ready.then(() => {});
  started.catch(() => {}); // observed by whoever awaits `ready`; never an unhandled rejection

  return {
    group: deps.config.group,
    stats,
    ready: started,
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
  const sleepers = new Set<Sleeper>();
  abort.signal.addEventListener(
    "abort",
    () => {
      for (const sleeper of sleepers) sleeper.wake();
    },
    { once: true },
  );
  const detach = follow(deps.config.signal, abort);
  try {
    const partitions = await ensureGroup(deps.executor, deps, deps.config);
    await runMember(
      { ...deps, signal: abort.signal },
      partitions,
      sleepers,
      stats,
      () => abort.signal.aborted,
      true,
    );
  } finally {
    detach();
  }
  return stats;
}

/**
 * Runs this member of the group until stopped: one loop for an unpartitioned group, or
 * `concurrency` workers (default: one per partition) for a partitioned one, each taking
 * whichever partition has work and is not leased. When a batch finds the group's kind changed
 * (made partitioned by another member), the member switches.
 */
async function runMember(
  deps: BatchDeps,
  partitions: number | null,
  sleepers: Set<Sleeper>,
  stats: DrainResult,
  shouldStop: () => boolean,
  once: boolean,
): Promise<void> {
  let current = partitions;
  for (;;) {
    let changed = false;
    const stop = () => changed || shouldStop();
    const workers = current === null ? 1 : (deps.config.concurrency ?? current);
    const loops = Array.from({ length: workers }, async (_, index) => {
      const sleeper = new Sleeper();
      sleepers.add(sleeper);
      try {
        const scope = current === null ? channelScope : partitionScope(index);
        const outcome = await consumeLoop(deps, sleeper, stats, stop, once, scope);
        if (outcome === "mode changed" && !changed) {
          changed = true;
          for (const other of sleepers) other.wake();
        }
      } finally {
        sleepers.delete(sleeper);
      }
    });
    await Promise.all(loops);
    if (!changed || shouldStop()) return;
    current = await ensureGroup(deps.executor, deps, { ...deps.config, partitions: undefined });
  }
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
