import { describe, expect, test } from "vitest";
import { emitRegistry } from "../../../codegen/src/emit/emit-registry.js";
import { contractModel, event, tradingModel } from "./support/model.js";

const object = { type: "object", properties: {}, additionalProperties: false } as const;

describe("emitRegistry", () => {
  test("describes each event type with its latest version's facts", async () => {
    const source = await emitRegistry(tradingModel());
    expect(source).toContain(
      [
        '  "risk.check.requested": {',
        '    eventType: "risk.check.requested",',
        "    version: 1,",
        "    versions: [1],",
        '    channel: "risk",',
        '    domain: "risk",',
        '    producers: ["risk"],',
        "    consumers: [],",
        "    deprecated: false,",
        '    responseType: "risk.check.completed",',
        "    errorResponseType: null,",
        "    schema: RiskCheckRequestedSchema as z.ZodType<RiskCheckRequested, RiskCheckRequested>,",
        "    jsonSchema: RiskCheckRequestedJsonSchema,",
        "  },",
      ].join("\n"),
    );
  });

  test("declares contracts with the written Contracts type, so no declaration repeats an inferred registry type", async () => {
    const source = await emitRegistry(tradingModel());
    expect(source).toContain("export const contracts: Contracts = {");
    expect(source).not.toContain("typeof contracts");
    expect(source).toContain(
      [
        '  readonly "risk.check.requested": {',
        '    readonly eventType: "risk.check.requested";',
        "    readonly version: 1;",
        "    readonly versions: readonly [1];",
        '    readonly channel: "risk";',
        '    readonly domain: "risk";',
        '    readonly producers: readonly ["risk"];',
        "    readonly consumers: readonly [];",
        "    readonly deprecated: false;",
        '    readonly responseType: "risk.check.completed";',
        "    readonly errorResponseType: null;",
        "    readonly schema: z.ZodType<RiskCheckRequested, RiskCheckRequested>;",
        "    readonly jsonSchema: typeof RiskCheckRequestedJsonSchema;",
        "  };",
      ].join("\n"),
    );
  });

  test("validates an event type with two versions against both, newest first, and types it as their union", async () => {
    const source = await emitRegistry(tradingModel());
    expect(source).toContain('import { z } from "zod";');
    expect(source).toContain("schema: z.union([OrderPlacedV2Schema, OrderPlacedSchema]) as z.ZodType<");
    expect(source).toContain('"order.placed": OrderPlacedV2 | OrderPlaced;');
    expect(source).toContain("versions: [1, 2],");
  });

  test.each([
    { given: { reason: "Use v2." }, want: 'deprecated: "Use v2.",' },
    { given: { reason: undefined }, want: "deprecated: true," },
    { given: false as const, want: "deprecated: false," },
  ])("writes deprecated $given as `$want`", async ({ given, want }) => {
    const source = await emitRegistry(
      contractModel({ events: [event("a.b", object, { deprecated: given })] }),
    );
    expect(source).toContain(want);
  });

  test("maps channels, sorted, to the event types published on them", async () => {
    const source = await emitRegistry(tradingModel());
    expect(source).toContain(
      [
        "export const channels = {",
        '  orders: ["order.placed"],',
        '  risk: ["risk.check.requested"],',
        '  "signal.triggered": ["signal.triggered"],',
        "} as const;",
      ].join("\n"),
    );
  });

  test("imports zod as a type only when no event type has several versions", async () => {
    const source = await emitRegistry(contractModel({ events: [event("a.b", object)] }));
    expect(source).toContain('import type { z } from "zod";');
  });

  test("writes the error response type right after the response type", async () => {
    const source = await emitRegistry(
      contractModel({
        events: [
          event("x.requested", object, { responseType: "x.completed", errorResponseType: "x.failed" }),
        ],
      }),
    );
    expect(source).toContain(
      '    responseType: "x.completed",\n    errorResponseType: "x.failed",\n    schema: XRequestedSchema',
    );
  });

  test("maps each request event type to its reply and error reply types in Requests", async () => {
    const source = await emitRegistry(
      contractModel({
        events: [
          event("a.requested", object, { responseType: "a.completed" }),
          event("a.completed", object),
          event("b.requested", object, { responseType: "b.completed", errorResponseType: "b.failed" }),
        ],
      }),
    );
    expect(source).toContain(
      [
        "export interface Requests {",
        "  /**",
        "   * `a.requested` is answered with `a.completed`.",
        "   */",
        '  "a.requested": { response: "a.completed"; errorResponse: never };',
        "  /**",
        "   * `b.requested` is answered with `b.completed` or, on failure, `b.failed`.",
        "   */",
        '  "b.requested": { response: "b.completed"; errorResponse: "b.failed" };',
        "}",
      ].join("\n"),
    );
    expect(source).toContain("export type RequestType = keyof Requests;");
    expect(source).toContain('export type ResponseTypeOf<T extends RequestType> = Requests[T]["response"];');
    expect(source).toContain(
      'export type ErrorResponseTypeOf<T extends RequestType> = Requests[T]["errorResponse"];',
    );
  });

  test("writes an empty Requests when no event type is a request", async () => {
    const source = await emitRegistry(contractModel({ events: [event("a.b", object)] }));
    expect(source).toContain("export interface Requests {}");
    expect(source).toContain("export type RequestType = keyof Requests;");
  });

  test("is byte-identical across runs", async () => {
    expect(await emitRegistry(tradingModel())).toBe(await emitRegistry(tradingModel()));
  });
});
