/**
 * The AsyncAPI export round-trips through a real code generator: Modelina's TypeScript generator
 * (the one AsyncAPI's own tools use) makes one model per payload, shared definition and nested
 * object or enum, each named after its message, definition or property path — none lost when two
 * versions share a title, none called `AnonymousSchema_N`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Logger, type OutputModel, TypeScriptGenerator } from "@asyncapi/modelina";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asyncApiCommand } from "../../codegen/src/cli/commands/generator/asyncapi.js";
import { emitAsyncApi } from "../../codegen/src/emit/asyncapi/index.js";
import { contractModel, definition, event, ref } from "../codegen/emit/support/model.js";
import { exampleModel, REPOSITORY_ROOT } from "./support/example-catalog.js";

interface Component {
  readonly properties?: Record<string, unknown>;
  readonly enum?: unknown[];
}
interface Document {
  readonly info: { readonly version: string };
  readonly components: {
    readonly schemas: Record<string, Component>;
    readonly messages: Record<string, { name: string; payload: { $ref: string } }>;
  };
}

const warnings: string[] = [];
beforeAll(() => {
  Logger.setLogger({
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  });
});
afterAll(() => Logger.setLogger(undefined as never));

async function generateModels(document: Document): Promise<Map<string, OutputModel>> {
  const models = await new TypeScriptGenerator({ modelType: "interface" }).generate(
    structuredClone(document) as never,
  );
  const byName = new Map<string, OutputModel>();
  for (const model of models) {
    expect(byName.has(model.modelName), `two models named ${model.modelName}`).toBe(false);
    byName.set(model.modelName, model);
  }
  return byName;
}

/**
 * The original property names of an object model, without the `additionalProperties` map Modelina
 * adds to an object that does not forbid other properties.
 */
function propertiesOf(model: OutputModel | undefined): string[] {
  const meta = model?.model as
    | { properties?: Record<string, { unconstrainedPropertyName: string }> }
    | undefined;
  const properties = meta?.properties;
  return Object.values(properties ?? {})
    .map((property) => property.unconstrainedPropertyName)
    .filter((name) => name !== "additionalProperties")
    .sort();
}

/** Every schema a generator makes a model of must come out under its component name, with its fields. */
function expectEveryComponentModelled(document: Document, models: Map<string, OutputModel>): void {
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    if (schema.properties !== undefined) {
      expect(models.has(name), `model ${name}`).toBe(true);
      expect(propertiesOf(models.get(name)), `properties of ${name}`).toEqual(
        Object.keys(schema.properties).sort(),
      );
    } else if (schema.enum !== undefined) {
      expect(models.has(name), `enum model ${name}`).toBe(true);
    }
  }
  for (const message of Object.values(document.components.messages)) {
    const payload = message.payload.$ref.replace("#/components/schemas/", "");
    expect(models.has(payload), `payload model of ${message.name}`).toBe(true);
  }
  expect([...models.keys()].filter((name) => /anonymous/i.test(name))).toEqual([]);
}

describe("the AsyncAPI export through Modelina's TypeScript generator", () => {
  test("the example domain: a model per payload, definition and nested enum, none anonymous or lost", async () => {
    const { model } = await exampleModel();
    const document = emitAsyncApi(model) as unknown as Document;
    const models = await generateModels(document);
    expectEveryComponentModelled(document, models);
    expect([...models.keys()]).toEqual(
      expect.arrayContaining([
        "OrderPlacedV1",
        "OrderPlaced",
        "OrderCancelledReason",
        "OrderPlacedTimeInForce",
        "MoneyCurrency",
        "Levels",
        "SignalExpiredReason",
      ]),
    );
    expect(propertiesOf(models.get("OrderPlacedV1"))).not.toContain("timeInForce");
    expect(propertiesOf(models.get("OrderPlaced"))).toContain("timeInForce");
  }, 60_000);

  test("two versions sharing a title, and nested objects of the same title in two events, each keep a model of their own", async () => {
    const address = (fields: string[]) => ({
      title: "Address",
      type: "object",
      properties: Object.fromEntries(fields.map((field) => [field, { type: "string" }])),
    });
    const model = contractModel({
      definitions: [definition("Money", { type: "object", properties: { amount: { type: "string" } } })],
      events: [
        event(
          "order.placed",
          {
            title: "Order placed",
            type: "object",
            properties: { orderId: { type: "string" }, shipTo: address(["street", "city"]) },
          },
          { channel: "orders", typeName: "OrderPlacedV1" },
        ),
        event(
          "order.placed",
          {
            title: "Order placed",
            type: "object",
            properties: {
              orderId: { type: "string" },
              total: ref("Money"),
              legs: {
                type: "array",
                items: {
                  type: "object",
                  properties: { price: { type: "number" }, side: { enum: ["buy", "sell"] } },
                },
              },
              limits: {
                oneOf: [
                  { type: "object", properties: { low: { type: "number" } } },
                  { type: "object", properties: { high: { type: "number" } } },
                ],
              },
            },
          },
          { channel: "orders", version: 2, typeName: "OrderPlaced" },
        ),
        event(
          "customer.registered",
          { title: "Order placed", type: "object", properties: { shipTo: address(["line1", "country"]) } },
          { channel: "customers" },
        ),
      ],
    });
    const document = emitAsyncApi(model) as unknown as Document;
    warnings.length = 0;
    const models = await generateModels(document);
    expectEveryComponentModelled(document, models);
    expect([...models.keys()].sort()).toEqual([
      "CustomerRegistered",
      "CustomerRegisteredShipTo",
      "Money",
      "OrderPlaced",
      "OrderPlacedLegsItem",
      "OrderPlacedLegsItemSide",
      "OrderPlacedLimitsOption1",
      "OrderPlacedLimitsOption2",
      "OrderPlacedV1",
      "OrderPlacedV1ShipTo",
    ]);
    expect(propertiesOf(models.get("OrderPlacedV1"))).toEqual(["orderId", "shipTo"]);
    expect(propertiesOf(models.get("OrderPlaced"))).toEqual(["legs", "limits", "orderId", "total"]);
    expect(propertiesOf(models.get("OrderPlacedV1ShipTo"))).toEqual(["city", "street"]);
    expect(propertiesOf(models.get("CustomerRegisteredShipTo"))).toEqual(["country", "line1"]);
    // Modelina warns when a name comes again; here only for payloads it meets in both the send and the receive operation.
    const overwritten = new Set(warnings.map((warning) => /name (\S+),/.exec(warning)?.[1]));
    for (const name of overwritten)
      expect(["OrderPlacedV1", "OrderPlaced", "CustomerRegistered", "orders"]).toContain(name);
    // The messages are named per version, too.
    expect(
      Object.values(document.components.messages)
        .map((message) => message.name)
        .sort(),
    ).toEqual(["CustomerRegistered", "OrderPlaced", "OrderPlacedV1"]);
  }, 60_000);

  test("info.version is the contracts package's version", async () => {
    const out: string[] = [];
    const code = await asyncApiCommand(
      {},
      { out: (line) => out.push(line), err: () => undefined, cwd: REPOSITORY_ROOT },
    );
    expect(code).toBe(0);
    const { version } = JSON.parse(
      await readFile(path.join(REPOSITORY_ROOT, "packages/types/package.json"), "utf8"),
    );
    expect((JSON.parse(out.join("\n")) as Document).info.version).toBe(version);
  }, 60_000);
});
