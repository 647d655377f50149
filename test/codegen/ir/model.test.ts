import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import { generate } from "../../../codegen/src/generate.js";
import type { ContractModel } from "../../../codegen/src/ir/model.js";
import { FIXTURES, generateFiles, json } from "../support/project.js";

let model: ContractModel;

beforeAll(async () => {
  const { config } = await loadConfig({ cwd: path.join(FIXTURES, "basic", "schemas", "orders") });
  const result = await generate(config!);
  expect(result.diagnostics).toEqual([]);
  model = result.model!;
});

const event = (eventType: string, version = 1) => {
  const found = model.events.find((item) => item.eventType === eventType && item.version === version);
  if (found === undefined) throw new Error(`no event ${eventType} v${version}`);
  return found;
};
const property = (eventType: string, name: string, version = 1) =>
  (event(eventType, version).schema as { properties: Record<string, unknown> }).properties[name];
const definition = (name: string) => model.definitions.find((item) => item.name === name);

describe("the model of the basic fixture", () => {
  it("sorts events by event type then version, definitions by name", () => {
    expect(model.events.map((item) => `${item.eventType}@${item.version}`)).toEqual([
      "legacy.reading@1",
      "order.accepted@1",
      "order.placed@1",
      "signal.triggered@1",
      "signal.triggered@2",
    ]);
    const names = model.definitions.map((item) => item.name);
    expect(names).toEqual([...names].sort());
  });

  it("takes facts from x-postbus and the rest from the path", () => {
    expect(event("order.placed")).toMatchObject({
      channel: "orders",
      domain: "orders",
      typeName: "OrderPlaced",
      deprecated: { reason: "Use order.accepted" },
      responseType: "order.accepted",
      title: "Order placed",
      source: { file: "schemas/orders/order.placed.yaml", pointer: "" },
    });
    expect(event("signal.triggered", 1)).toMatchObject({
      channel: "signal.triggered",
      domain: "signals",
      typeName: "SignalTriggeredV1",
      producers: ["signals"],
      consumers: ["orders"],
      deprecated: false,
    });
    expect(event("signal.triggered", 2).typeName).toBe("SignalTriggered");
  });

  it.each([
    ["relative file ref", "signal.triggered", 1, "price", { $ref: "#/$defs/Money" }],
    ["$id ref", "signal.triggered", 1, "side", { $ref: "#/$defs/Side" }],
    ["relative path to a file that declares an $id", "signal.triggered", 2, "side", { $ref: "#/$defs/Side" }],
    ["file ref with a pointer into $defs", "signal.triggered", 2, "currency", { $ref: "#/$defs/Currency" }],
    ["file ref with a pointer elsewhere", "signal.triggered", 2, "price", { $ref: "#/$defs/MoneyAmount" }],
    ["YAML file ref into $defs", "order.placed", 1, "tree", { $ref: "#/$defs/TreeNode" }],
    ["draft-07 local definitions ref", "legacy.reading", 1, "unit", { $ref: "#/$defs/Unit" }],
  ])("resolves a %s", (_name, eventType, version, key, want) => {
    expect(property(eventType, key, version)).toEqual(want);
  });

  it("turns every ref target into a named definition with its own refs rewritten", () => {
    expect(definition("Money")?.schema).toMatchObject({
      properties: { currency: { $ref: "#/$defs/Currency" } },
    });
    expect(definition("Money")?.description).toBe("An amount in a currency.");
    expect(definition("Currency")?.source).toEqual({
      file: "schemas/shared/money.json",
      pointer: "/$defs/Currency",
      line: 13,
      column: 5,
    });
    expect(definition("TreeNode")?.schema).toMatchObject({
      properties: { children: { items: { $ref: "#/$defs/TreeNode" } } },
    });
  });

  it("normalizes draft-07: exclusive booleans, nullable, tuple items, definitions", () => {
    expect(event("legacy.reading").schema).toEqual({
      type: "object",
      properties: {
        value: { type: "number", exclusiveMinimum: 0 },
        note: { type: ["string", "null"] },
        point: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], items: false },
        unit: { $ref: "#/$defs/Unit" },
      },
    });
  });

  it("drops x-postbus, $schema and $defs but keeps annotations and examples", () => {
    const schema = event("signal.triggered", 1).schema as Record<string, unknown>;
    expect(Object.keys(schema)).not.toContain("x-postbus");
    expect(Object.keys(schema)).not.toContain("$schema");
    expect(schema).toMatchObject({ title: "Signal triggered", description: "A trading signal fired." });
    expect(event("signal.triggered", 1).examples).toHaveLength(1);
    expect(Object.keys(event("order.placed").schema as object)).not.toContain("$defs");
  });

  it("is frozen", () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.events[0]?.schema)).toBe(true);
  });
});

describe("$ref resolution", () => {
  const money = json({ type: "object", properties: { amount: { type: "number" } } });

  it("allows cross-file recursion through properties (A → B → A)", async () => {
    const result = await generateFiles({
      "schemas/shared/person.json": json({
        type: "object",
        properties: { employer: { $ref: "./company.json" } },
      }),
      "schemas/shared/company.json": json({
        type: "object",
        properties: { staff: { type: "array", items: { $ref: "./person.json" } } },
      }),
      "schemas/hr/person.hired.json": json({
        type: "object",
        properties: { person: { $ref: "../shared/person.json" } },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.definitions.map((item) => item.name)).toEqual(["Company", "Person"]);
  });

  it("resolves escaped pointers (~1, ~0, percent) and anchors", async () => {
    const result = await generateFiles({
      "schemas/a/thing.done.json": json({
        type: "object",
        properties: {
          slash: { $ref: "#/$defs/a~1b" },
          tilde: { $ref: "#/$defs/c~0d" },
          space: { $ref: "#/$defs/e%20f" },
          anchored: { $ref: "#named" },
        },
        $defs: {
          "a/b": { type: "string" },
          "c~d": { type: "number" },
          "e f": { type: "boolean" },
          G: { $anchor: "named", type: "integer" },
        },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    const names = Object.fromEntries(
      (result.model?.definitions ?? []).map((item) => [item.name, item.schema]),
    );
    expect(names).toEqual({
      AB: { type: "string" },
      CD: { type: "number" },
      EF: { type: "boolean" },
      G: { type: "integer" },
    });
  });

  it("resolves nested $id bases and refs to a definitions file by its $id", async () => {
    const result = await generateFiles({
      "schemas/shared/money.json": json({
        $id: "https://acme.test/schemas/money.json",
        $defs: { Amount: { type: "number" } },
      }),
      "schemas/a/paid.json": json({
        $id: "https://acme.test/events/paid.json",
        type: "object",
        properties: { amount: { $ref: "../schemas/money.json#/$defs/Amount" } },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.events[0]?.schema).toMatchObject({
      properties: { amount: { $ref: "#/$defs/Amount" } },
    });
  });

  it("names a self-recursive event root <TypeName>Payload", async () => {
    const result = await generateFiles({
      "schemas/a/tree.grown.json": json({
        type: "object",
        properties: { children: { type: "array", items: { $ref: "#" } } },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.events[0]?.schema).toEqual({ $ref: "#/$defs/TreeGrownPayload" });
    expect(result.model?.definitions[0]?.schema).toEqual({
      type: "object",
      properties: { children: { type: "array", items: { $ref: "#/$defs/TreeGrownPayload" } } },
    });
  });

  it("gives clashing definition names a file prefix, deterministically", async () => {
    const files = {
      "schemas/shared/money.json": json({ $defs: { Id: { type: "string" } } }),
      "schemas/shared/user.json": json({ $defs: { Id: { type: "integer" } } }),
      "schemas/a/x.happened.json": money,
    };
    const first = await generateFiles(files);
    const second = await generateFiles(files);
    expect(first.model?.definitions.map((item) => item.name)).toEqual(["Id", "UserId"]);
    expect(second.model).toEqual(first.model);
  });

  it("keeps definition names clear of event type names", async () => {
    const result = await generateFiles({
      "schemas/shared/order-placed.json": json({ type: "string" }),
      "schemas/a/order.placed.json": json({
        type: "object",
        properties: { x: { $ref: "../shared/order-placed.json" } },
      }),
    });
    expect(result.model?.events[0]?.typeName).toBe("OrderPlaced");
    expect(result.model?.definitions.map((item) => item.name)).toEqual(["OrderPlaced2"]);
  });

  it("reports two event types that become the same TypeScript name", async () => {
    const result = await generateFiles({
      "schemas/a/order.placed.json": money,
      "schemas/b/order-placed.json": money,
    });
    expect(result.diagnostics).toMatchObject([
      {
        code: "POSTBUS_SCHEMA_NAME_CLASH",
        message: expect.stringMatching(
          /"order-placed" and "order.placed" both become the TypeScript name OrderPlaced/,
        ),
        location: { file: "schemas/a/order.placed.json", pointer: "", line: 1 },
      },
    ]);
  });

  it("generates a plain folder of schemas with no Postbus keys and no config", async () => {
    const result = await generateFiles({ "postbus.config.json": "{}", "schemas/thing.made.json": money });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.events[0]).toMatchObject({
      eventType: "thing.made",
      version: 1,
      channel: "thing.made",
      domain: "thing",
      typeName: "ThingMade",
    });
  });
});

describe("draft-07 corpora: conditionals, dependencies, the meta-schema", () => {
  const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

  it("keeps if/then/else, contains, propertyNames, min/maxProperties and converts dependencies", async () => {
    const result = await generateFiles({
      "schemas/a/x.done.json": json({
        $schema: DRAFT_07,
        type: "object",
        properties: { kind: { type: "string" }, tags: { type: "array", contains: { const: "a" } } },
        if: { properties: { kind: { const: "b" } } },
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
        then: { required: ["b"] },
        else: { not: { required: ["b"] } },
        propertyNames: { pattern: "^[a-z]+$", format: "regex" },
        minProperties: 1,
        maxProperties: 5,
        dependencies: { kind: ["tags"], tags: { required: ["kind"] } },
        examples: [{ kind: "b", b: 1, tags: ["a"] }],
      }),
    });
    expect(result.diagnostics).toEqual([]);
    const payload = result.model?.events[0]?.schema;
    expect(payload).toMatchObject({
      if: { properties: { kind: { const: "b" } } },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { required: ["b"] },
      else: { not: { required: ["b"] } },
      propertyNames: { pattern: "^[a-z]+$", format: "regex" },
      minProperties: 1,
      maxProperties: 5,
      dependentRequired: { kind: ["tags"] },
      dependentSchemas: { tags: { required: ["kind"] } },
    });
  });

  it("checks examples against the new keywords", async () => {
    const result = await generateFiles({
      "schemas/a/x.done.json": json({
        type: "object",
        dependentRequired: { a: ["b"] },
        examples: [{ a: 1 }],
      }),
    });
    expect(result.diagnostics.map((item) => item.code)).toEqual(["POSTBUS_SCHEMA_BAD_EXAMPLE"]);
  });

  it("resolves the draft-07 meta-schema to a bundled definition, recursion included", async () => {
    const result = await generateFiles({
      "schemas/shared/schema.json": json({
        $schema: DRAFT_07,
        $id: "http://example.com/schema.json",
        allOf: [{ $ref: DRAFT_07 }, { properties: { "x-kind": { type: "string" } } }],
      }),
      "schemas/a/x.done.json": json({
        $schema: DRAFT_07,
        type: "object",
        properties: {
          payload: { $ref: "http://example.com/schema.json" },
          title: { $ref: "http://json-schema.org/draft-07/schema#/properties/title" },
        },
        examples: [{ payload: { type: "object", properties: { a: { type: "string" } } } }],
      }),
      "postbus.config.json": json({ definitions: ["schemas/shared/**"] }),
    });
    expect(result.diagnostics).toEqual([]);
    const meta = result.model?.definitions.find((item) => item.name === "JsonSchemaDraft07");
    expect(meta?.source.file).toBe("<bundled>/json-schema-draft-07.json");
    expect(meta?.schema).toMatchObject({ type: ["object", "boolean"] });
    expect(result.model?.definitions.map((item) => item.name)).toContain("JsonSchemaDraft07Title");
  });

  it("rejects an example the meta-schema rejects", async () => {
    const result = await generateFiles({
      "schemas/a/x.done.json": json({
        $schema: DRAFT_07,
        type: "object",
        properties: { payload: { $ref: DRAFT_07 } },
        examples: [{ payload: { type: "objekt" } }],
      }),
    });
    expect(result.diagnostics.map((item) => item.code)).toEqual(["POSTBUS_SCHEMA_BAD_EXAMPLE"]);
  });

  it("never names a definition like a registry export or another definition's validator", async () => {
    const result = await generateFiles({
      "schemas/shared/channel.json": json({ type: "string" }),
      "schemas/shared/money.json": json({ type: "number" }),
      "schemas/shared/moneySchema.json": json({ type: "string" }),
      "postbus.config.json": json({ definitions: ["schemas/shared/**"] }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.definitions.map((item) => item.name)).toEqual(["Channel2", "Money", "MoneySchema2"]);
  });
});
