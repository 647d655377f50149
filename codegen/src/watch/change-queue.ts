/** What {@link createChangeQueue} returns. */
export interface ChangeQueue {
  /** Notes a path that may have changed; the batch runs once events have been quiet for the delay. */
  push(file: string): void;
  /** Runs `work` after everything queued before it (the first generation goes through here too). */
  run(work: () => Promise<void>): Promise<void>;
  /** Drops what is pending and resolves when the running batch (if any) has finished. */
  close(): Promise<void>;
}

/** Timing of a {@link ChangeQueue}, in milliseconds. */
export interface ChangeQueueTiming {
  /** Quiet time after the last event before a batch runs. */
  readonly quietMs: number;
  /** Longest a batch waits under a steady stream of events. */
  readonly maxWaitMs: number;
  /**
   * How long after a path's last event it is queued once more. chokidar drops a path's
   * `change` for 50 ms after it emitted one (and raw events for 5 ms), with no trailing
   * event, so a second write soon after a first would otherwise go unseen; the
   * recheck reads it (and regenerates nothing when the contents are what was seen).
   */
  readonly recheckMs: number;
}

/**
 * Debounces file-system events into batches and runs one batch at a time: a burst
 * (an editor's temp file, rename and chmod, or a `git checkout` of many files) is one
 * regeneration, and an event that arrives while a batch runs is kept for the next one,
 * never lost. Each path is queued again `recheckMs` after its last event (see
 * {@link ChangeQueueTiming.recheckMs}). `handle` gets the batch's paths, sorted and without duplicates.
 *
 * @example
 * ```ts
 * const queue = createChangeQueue((files) => regenerate(files), { quietMs: 40, maxWaitMs: 500, recheckMs: 100 });
 * watcher.on("all", (_event, file) => queue.push(file));
 * ```
 */
export function createChangeQueue(
  handle: (files: string[]) => Promise<void>,
  timing: ChangeQueueTiming,
): ChangeQueue {
  const pending = new Set<string>();
  const rechecks = new Map<string, NodeJS.Timeout>();
  let firstAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const run = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work);
    // A failed batch must not stop the ones after it; its caller sees the rejection.
    chain = next.catch(() => {});
    return next;
  };
  const flush = () => {
    timer = undefined;
    const batch = [...pending].sort();
    pending.clear();
    if (batch.length > 0 && !closed) void run(() => handle(batch));
  };
  const enqueue = (file: string) => {
    if (closed) return;
    if (pending.size === 0) firstAt = Date.now();
    pending.add(file);
    clearTimeout(timer);
    const waited = Date.now() - firstAt;
    timer = setTimeout(flush, Math.max(0, Math.min(timing.quietMs, timing.maxWaitMs - waited)));
  };
  return {
    push(file) {
      enqueue(file);
      clearTimeout(rechecks.get(file));
      rechecks.set(
        file,
        setTimeout(() => {
          rechecks.delete(file);
          enqueue(file);
        }, timing.recheckMs),
      );
    },
    run,
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const recheck of rechecks.values()) clearTimeout(recheck);
      rechecks.clear();
      pending.clear();
      await chain;
    },
  };
}
