import { describe, expect, it } from "vitest";
import { type PrepareContext, prepareEvent } from "../../../packages/client/src/publish/prepare-event.js";
import { DEFAULT_JSON_LIMITS } from "../../../packages/client/src/validate/check-json.js";

const context = (producer: string | null): PrepareContext => ({
  producer,
  validators: undefined,
  unknownEventTypes: "allow",
  limits: DEFAULT_JSON_LIMITS,
});

describe("prepareEvent's serialized envelope", () => {
  it("is exactly JSON.stringify of the envelope, with and without a producer and caller metadata", async () => {
    const cases = [
      { producer: null, options: {} },
      { producer: "orders-service", options: {} },
      { producer: "orders-service", options: { metadata: { tenant: 't-\u00e9"1' } } },
      { producer: null, options: { partitionKey: "k\u2028ey" } },
      {
        producer: "x",
        options: { channel: "other.channel", metadata: { event_id: "0190b6a2-7c1e-4d2a-9b3f-1a2b3c4d5e6f" } },
      },
    ];
    for (const { producer, options } of cases) {
      const event = await prepareEvent(
        context(producer),
        "order.placed",
        { total: 12.5, note: '\u00fc"\\' },
        options,
      );
      expect(event.json).toBe(JSON.stringify(event.envelope));
      expect(event.bytes).toBeGreaterThanOrEqual(Buffer.byteLength(event.json, "utf8"));
    }
  });

  it("measures a text near the byte limit exactly", async () => {
    const limits = { ...DEFAULT_JSON_LIMITS, maxBytes: 400 };
    const event = await prepareEvent({ ...context(null), limits }, "order.placed", { note: "é".repeat(40) });
    expect(event.bytes).toBe(Buffer.byteLength(event.json, "utf8"));
    await expect(
      prepareEvent({ ...context(null), limits }, "order.placed", { note: "é".repeat(200) }),
    ).rejects.toMatchObject({ code: "POSTBUS_JSON_TOO_LARGE" });
  });
});
