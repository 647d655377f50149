import { randomUUID } from "node:crypto";
import { createPostbus, type Executor } from "../../packages/client/src/index.js";
import { nowMs } from "./clock.js";
import { benchPayload } from "./payload.js";

/**
 * A database that answers Postbus's insert instantly: measures the client-side
 * work of a publish alone (name checks, JSON checks, envelope, serialization,
 * mapping rows back), in µs per event, with no round trip.
 */
function instantExecutor(): Executor {
  return {
    inCallerTransaction: false,
    async query<Row>(_text: string, values?: readonly unknown[]) {
      // One event: (channel, json, event_id); a batch: (channels[], json, event_ids[]).
      const ids = Array.isArray(values?.[2]) ? (values[2] as unknown[]) : [values?.[2]];
      const rows = ids.map((eventId, index) => ({
        id: index + 1,
        tx_text: "1000",
        created_ms: Date.now(),
        event_id_text: String(eventId).toLowerCase(),
      }));
      return { rows: rows as Row[], rowCount: rows.length };
    },
  };
}

/** Client-side µs per event of `publish` (batch 1) and `publishMany` (batches of `size`). */
export async function clientCostMicros(size: number, events = 20_000): Promise<number> {
  const bus = createPostbus({ db: instantExecutor(), producer: "bench", wakeups: "off" });
  const batches = Math.max(1, Math.floor(events / size));
  const run = async () => {
    const started = nowMs();
    for (let batch = 0; batch < batches; batch++) {
      if (size === 1) await bus.publish("bench.cost", benchPayload({ seq: batch, at: Date.now() }));
      else
        await bus.publishMany(
          Array.from({ length: size }, (_, seq) => ({
            type: "bench.cost",
            data: benchPayload({ seq, at: Date.now() }),
          })),
        );
    }
    return ((nowMs() - started) * 1000) / (batches * size);
  };
  await run();
  const result = Math.min(await run(), await run());
  await bus.close();
  return result;
}

/** The client-side µs per event of the raw baseline's preparation: JSON.stringify of the payload. */
export function rawClientCostMicros(events = 20_000): number {
  const started = nowMs();
  let bytes = 0;
  for (let seq = 0; seq < events; seq++)
    bytes += JSON.stringify(benchPayload({ seq, at: Date.now() })).length;
  if (bytes === 0) throw new Error("unreachable");
  return ((nowMs() - started) * 1000) / events;
}

/** An envelope as Postbus writes it, serialized, with its event id: for running Postbus's insert statements from raw pg. */
export function envelopeJson(seq: number, eventType = "bench.many"): { json: string; eventId: string } {
  const eventId = randomUUID();
  const json = JSON.stringify({
    event_type: eventType,
    timestamp: new Date().toISOString(),
    data: benchPayload({ seq, at: Date.now() }),
    metadata: { event_id: eventId, correlation_id: randomUUID(), causation_id: null, producer: "bench" },
  });
  return { json, eventId };
}
