import { nowMs, sleep } from "./clock.js";

/**
 * Open-loop load: send number `i` is scheduled at `start + i / rate` whatever
 * happened to earlier sends, so a slow system is not flattered by sending less
 * (no coordinated omission). At most `concurrency` sends are in flight; a send
 * that waits for a free slot keeps its scheduled time, so the wait counts as latency.
 * Returns how many were sent and the time the schedule started.
 */
export async function openLoop(options: {
  readonly rate: number;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly send: (seq: number, scheduledAt: number) => Promise<void>;
}): Promise<{ sent: number; startedAt: number; errors: number }> {
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const startedAt = nowMs() + 20;
  const queue: number[] = [];
  let next = 0;
  let errors = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const pump = () => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const seq = queue.shift()!;
      inFlight++;
      const sending: Promise<void> = options
        .send(seq, startedAt + (seq * 1000) / options.rate)
        .catch(() => {
          errors++;
        })
        .finally(() => {
          inFlight--;
          running.delete(sending);
          pump();
        });
      running.add(sending);
    }
  };
  while (next < total) {
    const due = Math.min(total, Math.floor(((nowMs() - startedAt) * options.rate) / 1000) + 1);
    while (next < due) queue.push(next++);
    pump();
    const wait = startedAt + (next * 1000) / options.rate - nowMs();
    await sleep(Math.max(0, Math.min(wait, 5)));
  }
  while (running.size > 0 || queue.length > 0) {
    pump();
    await Promise.all([...running]);
  }
  return { sent: total, startedAt, errors };
}

/**
 * Closed-loop load: `workers` loops each run `op` back to back for `durationMs`.
 * Returns completed operations per second.
 */
export async function closedLoop(options: {
  readonly workers: number;
  readonly durationMs: number;
  readonly op: (worker: number, iteration: number) => Promise<number | undefined>;
  /** Stops early once this returns true. */
  readonly until?: () => boolean;
}): Promise<{ perSecond: number; operations: number; units: number }> {
  const deadline = nowMs() + options.durationMs;
  let operations = 0;
  let units = 0;
  const started = nowMs();
  await Promise.all(
    Array.from({ length: options.workers }, async (_, worker) => {
      for (let iteration = 0; nowMs() < deadline && !options.until?.(); iteration++) {
        // Await first: \`units += await …\` would read \`units\` before the await and lose the
        // other workers' additions made meanwhile.
        const done = (await options.op(worker, iteration)) ?? 1;
        units += done;
        operations++;
      }
    }),
  );
  const elapsed = nowMs() - started;
  return { perSecond: (units * 1000) / elapsed, operations, units };
}
