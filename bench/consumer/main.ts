/**
 * The consumer process: runs one transport's consumer at a time for the runner,
 * records the latency of every message from its scheduled send time and accounts
 * deliveries (count, duplicates, missing) per group. Spoken to over IPC.
 */
import { nowMs, sleep } from "../lib/clock.js";
import type { BenchMessage } from "../lib/payload.js";
import { transports } from "../peers/index.js";
import { type Consumer, transportEnv } from "../peers/transport.js";
import type { ConsumerReply, ConsumerRequest, GroupDelivery } from "./protocol.js";

interface Running {
  consumer: Consumer;
  seen: Map<number, number>[];
  latencies: number[][];
  openedAt: number;
  firstAt: number;
  lastAt: number;
}

let running: Running | undefined;

function reply(message: ConsumerReply): void {
  process.send?.(message);
}

async function start(request: Extract<ConsumerRequest, { type: "start" }>): Promise<void> {
  const transport = transports[request.transport];
  if (!transport) throw new Error(`unknown transport ${request.transport}`);
  const state: Running = {
    consumer: { close: async () => {} },
    seen: Array.from({ length: request.options.groups }, () => new Map<number, number>()),
    latencies: Array.from({ length: request.options.groups }, () => []),
    openedAt: nowMs(),
    firstAt: 0,
    lastAt: 0,
  };
  running = state;
  const onMessage = (group: number, message: BenchMessage) => {
    const at = nowMs();
    if (state.firstAt === 0) state.firstAt = at;
    state.lastAt = at;
    state.latencies[group]!.push(at - message.at);
    const seen = state.seen[group]!;
    seen.set(message.seq, (seen.get(message.seq) ?? 0) + 1);
  };
  state.consumer = await transport.consumer(transportEnv(request.databaseUrl), request.options, onMessage);
  reply({ type: "ready", id: request.id, openedAt: state.openedAt });
}

async function collect(request: Extract<ConsumerRequest, { type: "collect" }>): Promise<void> {
  const state = running;
  if (!state) throw new Error("collect without start");
  const began = nowMs();
  const expected = (group: number) =>
    typeof request.expected === "number" ? request.expected : (request.expected[group] ?? 0);
  const done = () => state.seen.every((seen, group) => seen.size >= expected(group));
  while (!done()) {
    const now = nowMs();
    if (now - began > request.maxMs) break;
    if (now - Math.max(state.lastAt, began) > request.idleMs) break;
    await sleep(2);
  }
  await state.consumer.close();
  running = undefined;
  const groups: GroupDelivery[] = state.seen.map((seen, group) => {
    let received = 0;
    let duplicates = 0;
    for (const count of seen.values()) {
      received += count;
      duplicates += count - 1;
    }
    const missingSample: number[] = [];
    let missing = 0;
    for (let seq = 0; seq < expected(group); seq++) {
      if (!seen.has(seq)) {
        missing++;
        if (missingSample.length < 10) missingSample.push(seq);
      }
    }
    return { received, unique: seen.size, duplicates, missing, missingSample };
  });
  reply({
    type: "result",
    id: request.id,
    latencies: state.latencies[0] ?? [],
    groupLatencies: state.latencies,
    groups,
    openedAt: state.openedAt,
    firstAt: state.firstAt,
    lastAt: state.lastAt,
  });
}

process.on("message", (request: ConsumerRequest) => {
  const handle =
    request.type === "start" ? start(request) : request.type === "collect" ? collect(request) : exit();
  handle.catch((error: unknown) =>
    reply({
      type: "error",
      id: request.id,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
});

async function exit(): Promise<void> {
  await running?.consumer.close();
  process.exit(0);
}

process.on("disconnect", () => process.exit(0));
