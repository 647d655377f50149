import type { Histogram } from "@opentelemetry/sdk-metrics";
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
let bus: Postbus;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
  sdk = startTestSdk();
  bus = createPostbus({
    db: pool,
    listen: false,
    logger: quiet,
    telemetry: openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
  });
});
afterAll(async () => {
  await bus.close();
  await sdk.shutdown();
});

const byChannel = (points: { attributes: Record<string, unknown>; value: unknown }[]) =>
  Object.fromEntries(
    points.map((point) => [String(point.attributes["messaging.destination.name"]), point.value]),
  );

describe("OpenTelemetry metrics", () => {
  it("counts sent messages per channel, consumed messages per group, and one process duration per handler call", async () => {
    await bus.publish("stock.counted", { n: 1 });
    await bus.publishMany([
      { type: "stock.counted", data: { n: 2 } },
      { type: "stock.moved", data: { n: 3 } },
    ]);
    await deliverable(pool);
    await bus.drain({
      group: "inventory",
      channels: ["stock.counted", "stock.moved"],
      from: "beginning",
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });

    const sent = await sdk.points("messaging.client.sent.messages");
    expect(byChannel(sent)).toEqual({ "stock.counted": 2, "stock.moved": 1 });
    expect(sent[0]!.attributes).toMatchObject({
      "messaging.system": "postbus",
      "messaging.operation.name": "send",
    });
    const consumed = await sdk.points("messaging.client.consumed.messages");
    expect(byChannel(consumed)).toEqual({ "stock.counted": 2, "stock.moved": 1 });
    expect(consumed[0]!.attributes["messaging.consumer.group.name"]).toBe("inventory");

    const durations = await sdk.points("messaging.process.duration");
    const counted = durations.find(
      (point) => point.attributes["messaging.destination.name"] === "stock.counted",
    );
    const histogram = counted!.value as Histogram;
    expect(histogram.count).toBe(2);
    // Each call slept 20 ms: the sum is in seconds.
    expect(histogram.sum).toBeGreaterThanOrEqual(0.038);
    expect(histogram.sum).toBeLessThan(5);
  });

  it("a failed publish counts with error.type; a failed handler call records its duration with error.type", async () => {
    await expect(bus.publish("stock.counted", 10n as never)).rejects.toMatchObject({
      code: "POSTBUS_JSON_BIGINT",
    });
    const sent = await sdk.points("messaging.client.sent.messages");
    expect(sent.find((point) => point.attributes["error.type"] === "POSTBUS_JSON_BIGINT")?.value).toBe(1);

    await bus.publish("stock.broken", { n: 1 });
    await deliverable(pool);
    await bus.drain({
      group: "breaker",
      channels: ["stock.broken"],
      from: "beginning",
      maxAttempts: 1,
      handler: () => {
        throw new RangeError("broken");
      },
    });
    const durations = await sdk.points("messaging.process.duration");
    const failed = durations.find(
      (point) =>
        point.attributes["messaging.destination.name"] === "stock.broken" &&
        point.attributes["error.type"] === "RangeError",
    );
    expect((failed!.value as Histogram).count).toBe(1);
  });

  it("reports group lag (events, seconds) and dead letters as observable gauges read from the status", async () => {
    // "inventory" handled stock.counted up to now; two more wait for it. "breaker" dead-lettered one.
    await bus.publishMany([
      { type: "stock.counted", data: { n: 4 } },
      { type: "stock.counted", data: { n: 5 } },
    ]);
    await deliverable(pool);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const lag = await sdk.points("postbus.consumer.lag");
    const inventory = lag.filter(
      (point) => point.attributes["messaging.consumer.group.name"] === "inventory",
    );
    expect(byChannel(inventory)).toEqual({ "stock.counted": 2, "stock.moved": 0 });
    const lagSeconds = await sdk.points("postbus.consumer.lag.duration");
    const counted = lagSeconds.find(
      (point) =>
        point.attributes["messaging.consumer.group.name"] === "inventory" &&
        point.attributes["messaging.destination.name"] === "stock.counted",
    );
    expect(counted!.value as number).toBeGreaterThanOrEqual(1);
    const dead = await sdk.points("postbus.consumer.dead_letters");
    expect(
      Object.fromEntries(
        dead.map((point) => [point.attributes["messaging.consumer.group.name"], point.value]),
      ),
    ).toMatchObject({ breaker: 1, inventory: 0 });
  });

  it("stops reporting the gauges when the client closes", async () => {
    const own = startTestSdk();
    const other = createPostbus({
      db: pool,
      listen: false,
      telemetry: openTelemetry({ tracerProvider: own.tracerProvider, meterProvider: own.meterProvider }),
    });
    await other.close();
    // Its callback was removed before anything was collected: a collection observes nothing.
    expect(await own.points("postbus.consumer.lag")).toEqual([]);
    await own.shutdown();
  });
});
