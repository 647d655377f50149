import { transports } from "../peers/index.js";
import { transportEnv } from "../peers/transport.js";
import type { BenchContext, Check } from "../scenarios/types.js";
import { nowMs } from "./clock.js";
import { closedLoop, openLoop } from "./load.js";

let cellCounter = 0;

/** A fresh key (channel, queue, stream name) for one cell. */
export function cellKey(prefix: string): string {
  cellCounter++;
  return `${prefix}-${process.pid}-${cellCounter}`;
}

/** Delivery outcome of an end-to-end cell. */
export interface Delivery {
  readonly sent: number;
  readonly received: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly missingSample: readonly number[];
}

/**
 * Open-loop latency of one transport: the consumer (separate process) subscribes,
 * then `rate` messages/s are scheduled for `durationMs` from `concurrency`
 * publishers. Latency = receive time − scheduled send time.
 */
export async function measureLatency(
  context: BenchContext,
  transport: string,
  options: {
    readonly rate: number;
    readonly durationMs: number;
    readonly concurrency: number;
    readonly key?: string;
  },
): Promise<{ latencies: number[]; delivery: Delivery }> {
  const key = options.key ?? cellKey(transport);
  await context.consumer.start(transport, context.db.url, { key, groups: 1 });
  const producer = await transports[transport]!.producer(transportEnv(context.db.url), {
    key,
    concurrency: options.concurrency,
  });
  try {
    const { sent } = await openLoop({
      rate: options.rate,
      durationMs: options.durationMs,
      concurrency: options.concurrency,
      send: (seq, at) => producer.send({ seq, at }),
    });
    const result = await context.consumer.collect(sent, 3000, 30_000);
    const group = result.groups[0]!;
    return {
      latencies: [...result.latencies],
      delivery: { sent, ...group },
    };
  } finally {
    await producer.close();
  }
}

/**
 * Throughput of one transport, publish → consume: `count` messages sent as fast as
 * `concurrency` publishers can (each awaits its commit/ack), consumer in the other
 * process; messages per second from the first send to the last receive.
 */
export async function measureThroughput(
  context: BenchContext,
  transport: string,
  options: { readonly count: number; readonly concurrency: number; readonly maxMs?: number },
): Promise<{ perSecond: number; delivery: Delivery }> {
  const key = cellKey(transport);
  await context.consumer.start(transport, context.db.url, { key, groups: 1 });
  const producer = await transports[transport]!.producer(transportEnv(context.db.url), {
    key,
    concurrency: options.concurrency,
  });
  try {
    let next = 0;
    const started = nowMs();
    const deadline = started + (options.maxMs ?? 30_000);
    await closedLoop({
      workers: options.concurrency,
      durationMs: options.maxMs ?? 30_000,
      op: async () => {
        if (next >= options.count || nowMs() > deadline) {
          await new Promise((resolve) => setImmediate(resolve));
          return 0;
        }
        const seq = next++;
        await producer.send({ seq, at: nowMs() });
        return 1;
      },
      until: () => next >= options.count,
    });
    const result = await context.consumer.collect(next, 3000, options.maxMs ?? 30_000);
    const group = result.groups[0]!;
    return {
      perSecond: (group.unique * 1000) / (result.lastAt - started),
      delivery: { sent: next, ...group },
    };
  } finally {
    await producer.close();
  }
}

/** A correctness check that every sent message arrived exactly once. */
export function exactlyOnce(name: string, delivery: Delivery): Check {
  const ok = delivery.missing === 0 && delivery.duplicates === 0 && delivery.received === delivery.sent;
  return {
    name,
    ok,
    detail: `sent ${delivery.sent}, received ${delivery.received}, duplicates ${delivery.duplicates}, missing ${delivery.missing}${
      delivery.missing > 0 ? ` (e.g. seq ${delivery.missingSample.join(", ")})` : ""
    }`,
  };
}
