import { makeCell } from "../lib/compare.js";
import { resetTables } from "../lib/database.js";
import { exactlyOnce, measureLatency, measureThroughput } from "../lib/end-to-end.js";
import { summarize } from "../lib/stats.js";
import { PEERS, transports } from "../peers/index.js";
import { formatNumber } from "../report/markdown.js";
import type { Cell, Check, Distribution, Scenario, Target, Throughput } from "./types.js";

const RATE = 200;
const PUBLISHERS = 8;

/** The issue's goals: beat pg-boss by a wide margin (read here as 2×), stay within 2× of Redis Streams' latency. */
const TARGETS: Record<string, { p50?: Target; p99?: Target; throughput?: Target }> = {
  "pg-boss": {
    p50: { op: "<=", value: 0.5, text: "≤ 0.5 × pg-boss (wide margin)" },
    p99: { op: "<=", value: 0.5, text: "≤ 0.5 × pg-boss (wide margin)" },
    throughput: { op: ">=", value: 2, text: "≥ 2 × pg-boss (wide margin)" },
  },
  "redis-streams": {
    p50: { op: "<=", value: 2, text: "≤ 2 × Redis Streams" },
    p99: { op: "<=", value: 2, text: "≤ 2 × Redis Streams" },
  },
};

/**
 * Postbus against what users pick instead, same machine, same run, same payload
 * and consumer process: pg-boss, Redis Streams, RabbitMQ and NATS JetStream.
 * Publish → consume latency at 200 messages/s (open loop) and throughput.
 */
export const peersScenario: Scenario = {
  name: "peers",
  title: "Peers: pg-boss, Redis Streams, RabbitMQ, NATS JetStream",
  target: "beat pg-boss by a wide margin; latency within 2 × of Redis Streams",
  async run(context) {
    const systems = ["postbus", ...PEERS];
    const latencies = new Map<string, number[]>(systems.map((system) => [system, []]));
    const rates = new Map<string, number[]>(systems.map((system) => [system, []]));
    const checks: Check[] = [];
    const delivered = new Map<string, string>();
    const rounds = Math.min(context.rounds, 2);
    const count = context.quick ? 600 : 3000;
    for (let round = -1; round < rounds; round++) {
      for (const system of systems) {
        await resetTables(context.admin);
        const latency = await measureLatency(context, system, {
          rate: RATE,
          durationMs: round < 0 ? 1000 : context.duration(5000),
          concurrency: PUBLISHERS,
        });
        if (round < 0) continue; // warm-up: connections, pg-boss schema, JIT
        await resetTables(context.admin);
        const throughput = await measureThroughput(context, system, {
          count,
          concurrency: PUBLISHERS,
          maxMs: 40_000,
        });
        latencies.get(system)!.push(...latency.latencies);
        rates.get(system)!.push(throughput.perSecond);
        if (system === "postbus") {
          checks.push(
            exactlyOnce(`Postbus (peers run, ${RATE}/s) delivers every event once`, latency.delivery),
          );
          checks.push(
            exactlyOnce("Postbus (peers throughput run) delivers every event once", throughput.delivery),
          );
        }
        const missing = latency.delivery.missing + throughput.delivery.missing;
        const duplicates = latency.delivery.duplicates + throughput.delivery.duplicates;
        delivered.set(
          system,
          missing + duplicates === 0 ? "all, once" : `${missing} missing, ${duplicates} duplicates`,
        );
        context.log(
          `${system}: p50 ${formatNumber(summarize(latency.latencies).median)} p99 ${formatNumber(summarize(latency.latencies).p99)} ms; ${Math.round(throughput.perSecond)} msg/s`,
        );
      }
    }
    const stats = new Map(systems.map((system) => [system, summarize(latencies.get(system)!)]));
    const throughputStats = new Map(systems.map((system) => [system, summarize(rates.get(system)!)]));
    const cells: Cell[] = [];
    for (const peer of PEERS) {
      const targets = TARGETS[peer] ?? {};
      for (const compare of ["median", "p99"] as const) {
        cells.push(
          makeCell({
            label: `latency ${compare === "median" ? "p50" : "p99"} vs ${peer}`,
            unit: "ms",
            compare,
            baselineName: peer,
            baseline: stats.get(peer)!,
            postbus: stats.get("postbus")!,
            ...((compare === "median" ? targets.p50 : targets.p99)
              ? { target: compare === "median" ? targets.p50! : targets.p99! }
              : {}),
          }),
        );
      }
      cells.push(
        makeCell({
          label: `throughput vs ${peer}`,
          unit: "msg/s",
          baselineName: peer,
          baseline: rates.get(peer)!,
          postbus: rates.get("postbus")!,
          ...(targets.throughput ? { target: targets.throughput } : {}),
        }),
      );
    }
    const table = {
      headers: [
        "system",
        "durability of a send",
        "latency p50 / p99 / max (ms)",
        "throughput (msg/s)",
        "delivered",
        "Postbus ÷ it: p50 · p99 · throughput",
      ],
      rows: systems.map((system) => {
        const s = stats.get(system)!;
        const t = throughputStats.get(system)!;
        const postbus = stats.get("postbus")!;
        const postbusRate = throughputStats.get("postbus")!.median;
        return [
          system,
          transports[system]!.durability,
          `${formatNumber(s.median)} / ${formatNumber(s.p99)} / ${formatNumber(s.max)}`,
          `${formatNumber(t.median)} (${formatNumber(t.min)}–${formatNumber(t.max)})`,
          delivered.get(system) ?? "–",
          system === "postbus"
            ? "–"
            : `${(postbus.median / s.median).toFixed(2)} · ${(postbus.p99 / s.p99).toFixed(2)} · ${(postbusRate / t.median).toFixed(2)}`,
        ];
      }),
    };
    const distributions: Distribution[] = systems.map((system) => ({
      label: `peers @${RATE}/s`,
      system,
      stats: stats.get(system)!,
    }));
    const throughputs: Throughput[] = systems.map((system) => ({
      label: "peers, publish → consume",
      system,
      perSecond: throughputStats.get(system)!.median,
    }));
    return {
      cells,
      checks,
      tables: [table],
      distributions,
      throughputs,
      notes: [
        `Latency: ${RATE} messages/s open-loop for ${context.duration(5000) / 1000} s per round from ${PUBLISHERS} publishers, ${rounds} round(s) after a warm-up, consumer in the separate process. Throughput: ${count} messages sent as fast as ${PUBLISHERS} publishers can, each awaiting its commit/ack/confirm, until the last is consumed.`,
        "Configurations: Postbus consumer group, batch 100, LISTEN wake-ups. pg-boss 10.4.2 (the newest that runs on Node 20; 11+ needs Node 22), `work` with batchSize 500 and its minimum polling interval of 0.5 s (pg-boss workers poll; they do not LISTEN). Redis Streams: XADD, one XREADGROUP consumer per group with COUNT 100 BLOCK 200 and XACK per read. RabbitMQ: a durable fanout exchange and one durable queue per group, persistent messages, publisher confirms awaited per message, prefetch 100, ack per message. NATS JetStream: a file-backed stream, `js.publish` awaiting the server's ack, a durable pull consumer with explicit acks.",
      ],
    };
  },
};
