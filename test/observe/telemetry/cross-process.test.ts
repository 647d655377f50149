import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import { openTelemetry } from "@postbus/client/opentelemetry";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnFixture } from "../../support/fixture-process.js";
import { useTestDatabase } from "../../support/test-database.js";
import { startTestSdk, type TestSdk } from "./otel-sdk.js";

const db = useTestDatabase();
let pool: pg.Pool;
let sdk: TestSdk;
let sliceA: Postbus;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await migrate(fromPool(pool));
  sdk = startTestSdk();
  sliceA = createPostbus({
    db: pool,
    producer: "orders",
    listen: false,
    telemetry: openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
  });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await sliceA.close();
  await sdk.shutdown();
});

interface ChildSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  links: { spanId: string; traceId: string }[];
  attributes: Record<string, unknown>;
}

describe("a trace across slices and processes", () => {
  it("slice B's process span, in another process, is a child of slice A's send span in the same trace, and B's follow-up event continues it", async () => {
    const checkout = sdk.tracerProvider.getTracer("orders-app").startSpan("POST /checkout");
    const placed = await context.with(trace.setSpan(context.active(), checkout), () =>
      sliceA.publish("order.placed", { orderId: "o-77" }),
    );
    checkout.end();
    const send = sdk.spans().find((span) => span.name === "send order.placed")!;
    const traceId = checkout.spanContext().traceId;
    expect(send.spanContext().traceId).toBe(traceId);

    const sliceB = spawnFixture(
      fileURLToPath(new URL("./fixtures/slice-b-process.ts", import.meta.url)),
      [db.url, "1"],
      children,
    );
    expect(await sliceB.exited).toBe(0);
    const spans: ChildSpan[] = sliceB.lines
      .filter((line) => line.startsWith("span "))
      .map((line) => JSON.parse(line.slice(5)));
    const process = spans.find((span) => span.name === "process order.placed")!;
    expect(process).toMatchObject({
      kind: SpanKind.CONSUMER,
      traceId,
      parentSpanId: send.spanContext().spanId,
      attributes: expect.objectContaining({
        "messaging.consumer.group.name": "shipping",
        "messaging.message.id": placed.envelope.metadata.event_id,
      }),
    });
    expect(process.links).toContainEqual({ spanId: send.spanContext().spanId, traceId });
    const receive = spans.find((span) => span.name === "receive order.placed")!;
    expect(receive.links).toEqual([{ spanId: send.spanContext().spanId, traceId }]);
    const followUp = spans.find((span) => span.name === "send parcel.requested")!;
    expect(followUp).toMatchObject({ traceId, parentSpanId: process.spanId, kind: SpanKind.PRODUCER });

    const [requested] = await sliceA.getLatestEvents("parcel.requested");
    expect(requested!.envelope.metadata.traceparent).toBe(`00-${traceId}-${followUp.spanId}-01`);
    expect(requested!.envelope.metadata.causation_id).toBe(placed.envelope.metadata.event_id);
  });
});
