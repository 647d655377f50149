import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import { openTelemetry } from "@postbus/client/opentelemetry";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";
import { startTestSdk, type TestSdk } from "./otel-sdk.js";

const db = useTestDatabase();
let pool: pg.Pool;
let sdk: TestSdk;
let sliceA: Postbus;
let sliceB: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
  sdk = startTestSdk();
  const telemetry = openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  sliceA = createPostbus({ db: pool, producer: "orders", telemetry, listen: false });
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  sliceB = createPostbus({ db: pool, producer: "shipping", telemetry, listen: false, logger: quiet });
});
afterAll(async () => {
  await sliceA.close();
  await sliceB.close();
  await sdk.shutdown();
});

const named = (name: string) => sdk.spans().filter((span) => span.name === name);
const traceparentOf = (span: ReadableSpan) =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe("send spans", () => {
  it("a publish is a send <channel> PRODUCER span under the caller's span, and its context is the event's metadata.traceparent", async () => {
    const app = sdk.tracerProvider.getTracer("app").startSpan("POST /orders");
    const event = await context.with(trace.setSpan(context.active(), app), () =>
      sliceA.publish("order.placed", { orderId: "o-1" }),
    );
    app.end();
    const [send] = named("send order.placed");
    expect(send).toBeDefined();
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.parentSpanContext?.spanId).toBe(app.spanContext().spanId);
    expect(send!.spanContext().traceId).toBe(app.spanContext().traceId);
    expect(send!.attributes).toMatchObject({
      "messaging.system": "postbus",
      "messaging.operation.name": "send",
      "messaging.operation.type": "send",
      "messaging.destination.name": "order.placed",
      "messaging.message.id": event.envelope.metadata.event_id,
      "postbus.position": event.position,
    });
    expect(send!.attributes["messaging.batch.message_count"]).toBeUndefined();
    expect(event.envelope.metadata.traceparent).toBe(traceparentOf(send!));
    // The four ADR keys are still there, unchanged in meaning.
    expect(event.envelope.metadata).toMatchObject({ producer: "orders", causation_id: null });
    const stored = await pool.query("SELECT data FROM events WHERE id = $1", [event.id]);
    expect(stored.rows[0].data.metadata.traceparent).toBe(traceparentOf(send!));
  });

  it("a batch over two channels is one send span with messaging.batch.message_count, its context in every event", async () => {
    const events = await sliceA.publishMany([
      { type: "order.placed", data: { orderId: "o-2" } },
      { type: "order.paid", data: { orderId: "o-2" } },
    ]);
    const [send] = named("send");
    expect(send!.attributes["messaging.batch.message_count"]).toBe(2);
    expect(send!.attributes["messaging.destination.name"]).toBeUndefined();
    expect(events.map((event) => event.envelope.metadata.traceparent)).toEqual([
      traceparentOf(send!),
      traceparentOf(send!),
    ]);
  });

  it("keeps a creation context the event already carries, and links the send span to it", async () => {
    const custom = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const event = await sliceA.publish(
      "order.placed",
      { orderId: "o-3" },
      { metadata: { traceparent: custom, tracestate: "vendor=1" } },
    );
    expect(event.envelope.metadata).toMatchObject({ traceparent: custom, tracestate: "vendor=1" });
    const send = named("send order.placed").find(
      (span) => span.attributes["messaging.message.id"] === event.envelope.metadata.event_id,
    );
    expect(send!.links.map((link) => link.context.spanId)).toEqual(["b7ad6b7169203331"]);
    expect(send!.links[0]!.context.traceState?.get("vendor")).toBe("1");
  });

  it("a refused publish ends its span with an error status and error.type, and writes nothing", async () => {
    const before = await pool.query("SELECT count(*)::int AS n FROM events");
    await expect(sliceA.publish("bad name!", {})).rejects.toMatchObject({ code: "POSTBUS_NAME_INVALID" });
    const [send] = named("send bad name!");
    expect(send!.status.code).toBe(SpanStatusCode.ERROR);
    expect(send!.attributes["error.type"]).toBe("POSTBUS_NAME_INVALID");
    expect((await pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(before.rows[0].n);
  });

  it("a client without telemetry writes no trace context", async () => {
    const plain = createPostbus({ db: pool, listen: false });
    const event = await plain.publish("order.placed", { orderId: "o-4" });
    await plain.close();
    expect(event.envelope.metadata).not.toHaveProperty("traceparent");
  });

  it("refuses a telemetry option that is not a Postbus telemetry object", () => {
    expect(() => createPostbus({ db: pool, telemetry: {} as never })).toThrow(
      expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID", subject: { field: "telemetry" } }),
    );
  });
});

describe("receive and process spans", () => {
  it("a batch is a receive span linked to each creation context; each handler call a process CONSUMER span, child of the event's send span", async () => {
    const published = await sliceA.publishMany([
      { type: "parcel.packed", data: { n: 1 } },
      { type: "parcel.packed", data: { n: 2 } },
    ]);
    const sendSpan = named("send parcel.packed")[0]!;
    await deliverable(pool);
    const seen: (string | undefined)[] = [];
    const stats = await sliceB.drain({
      group: "shipping",
      channels: ["parcel.packed"],
      from: "beginning",
      handler: () => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
      },
    });
    expect(stats.handled).toBe(2);
    const [receive] = named("receive parcel.packed");
    expect(receive!.kind).toBe(SpanKind.CLIENT);
    expect(receive!.attributes).toMatchObject({
      "messaging.system": "postbus",
      "messaging.operation.name": "receive",
      "messaging.consumer.group.name": "shipping",
      "messaging.destination.name": "parcel.packed",
      "messaging.batch.message_count": 2,
    });
    expect(receive!.links.map((link) => link.context.spanId)).toEqual([
      sendSpan.spanContext().spanId,
      sendSpan.spanContext().spanId,
    ]);
    const processes = named("process parcel.packed");
    expect(processes).toHaveLength(2);
    for (const [index, process] of processes.entries()) {
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(process.spanContext().traceId).toBe(sendSpan.spanContext().traceId);
      expect(process.parentSpanContext?.spanId).toBe(sendSpan.spanContext().spanId);
      expect(process.links.map((link) => link.attributes?.["postbus.link"])).toEqual(["creation", "receive"]);
      expect(process.links[1]!.context.spanId).toBe(receive!.spanContext().spanId);
      expect(process.attributes).toMatchObject({
        "messaging.operation.name": "process",
        "messaging.consumer.group.name": "shipping",
        "messaging.destination.name": "parcel.packed",
        "messaging.message.id": published[index]!.envelope.metadata.event_id,
        "postbus.position": published[index]!.position,
      });
    }
    // The handler ran with its process span active: its own spans and publishes nest under it.
    expect(seen).toEqual(processes.map((process) => process.spanContext().spanId));
  });

  it("a publish inside a handler continues the trace: its send span is a child of the process span", async () => {
    await sliceA.publish("parcel.weighed", { n: 1 });
    await deliverable(pool);
    await sliceB.drain({
      group: "weighing",
      channels: ["parcel.weighed"],
      from: "beginning",
      handler: async (event, { tx }) => {
        await tx.publish("parcel.labelled", { n: (event.data as { n: number }).n });
      },
    });
    const process = named("process parcel.weighed")[0]!;
    const send = named("send parcel.labelled")[0]!;
    expect(send.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    expect(send.spanContext().traceId).toBe(named("send parcel.weighed")[0]!.spanContext().traceId);
    const [labelled] = await sliceA.getLatestEvents("parcel.labelled");
    expect(labelled!.envelope.metadata.traceparent).toBe(traceparentOf(send));
  });

  it("a failing handler's process span has an error status and error.type", async () => {
    await sliceA.publish("parcel.lost", { n: 1 });
    await deliverable(pool);
    await sliceB.drain({
      group: "lost-and-found",
      channels: ["parcel.lost"],
      from: "beginning",
      maxAttempts: 1,
      handler: () => {
        throw new TypeError("no such parcel");
      },
    });
    const [process] = named("process parcel.lost");
    expect(process!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "no such parcel" });
    expect(process!.attributes["error.type"]).toBe("TypeError");
    expect(process!.events.map((event) => event.name)).toContain("exception");
  });

  it("an event written by another program (no metadata) is processed in a root span with no creation link", async () => {
    await pool.query(`INSERT INTO events (channel, data) VALUES ('legacy.row', '{"x": 1}')`);
    await deliverable(pool);
    await sliceB.drain({ group: "legacy", channels: ["legacy.row"], from: "beginning", handler: () => {} });
    const [process] = named("process legacy.row");
    expect(process!.parentSpanContext).toBeUndefined();
    expect(process!.links.map((link) => link.attributes?.["postbus.link"])).toEqual(["receive"]);
  });
});

describe("request-response", () => {
  it("the reply carries the request's trace, and the request span links to the reply", async () => {
    const responder = sliceB.respond({
      requestType: "quote.requested",
      responseType: "quote.given",
      handler: (event) => ({ price: (event.data as { weight: number }).weight * 2 }),
    });
    try {
      const reply = await sliceA.request("quote.requested", { weight: 3 }, { timeoutMs: 20_000 });
      expect(reply.data).toEqual({ price: 6 });
      const request = named("request quote.requested")[0]!;
      const sendRequest = named("send quote.requested")[0]!;
      const process = named("process quote.requested")[0]!;
      const sendReply = sdk
        .spans()
        .find(
          (span) =>
            span.name === `send ${reply.channel}` && span.attributes["postbus.event_type"] === "quote.given",
        )!;
      const traceId = request.spanContext().traceId;
      expect(request.kind).toBe(SpanKind.CLIENT);
      expect(sendRequest.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(process.parentSpanContext?.spanId).toBe(sendRequest.spanContext().spanId);
      expect(sendReply.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
      expect([sendRequest, process, sendReply].map((span) => span.spanContext().traceId)).toEqual([
        traceId,
        traceId,
        traceId,
      ]);
      expect(reply.envelope.metadata.traceparent).toBe(traceparentOf(sendReply));
      expect(request.links).toEqual([
        expect.objectContaining({
          context: expect.objectContaining({ spanId: sendReply.spanContext().spanId }),
          attributes: { "postbus.link": "reply" },
        }),
      ]);
    } finally {
      await responder.close();
    }
  });

  it("a request that times out ends its span with POSTBUS_REQUEST_TIMEOUT", async () => {
    await expect(sliceA.request("nobody.answers", {}, { timeoutMs: 200 })).rejects.toMatchObject({
      code: "POSTBUS_REQUEST_TIMEOUT",
    });
    const [request] = named("request nobody.answers");
    expect(request!.status.code).toBe(SpanStatusCode.ERROR);
    expect(request!.attributes["error.type"]).toBe("POSTBUS_REQUEST_TIMEOUT");
  });
});
