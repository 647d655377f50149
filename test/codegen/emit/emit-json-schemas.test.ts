import { describe, expect, test } from "vitest";
import { emitJsonSchemas, standalone } from "../../../codegen/src/emit/emit-json-schemas.js";
import { contractModel, definition, ref, tradingModel } from "./support/model.js";

describe("standalone", () => {
  const model = contractModel({
    definitions: [
      definition("Price", { type: "number", exclusiveMinimum: 0 }),
      definition("Money", { type: "object", properties: { amount: ref("Price") }, $id: "x" }),
      definition("Side", { type: "string", enum: ["buy", "sell"] }),
    ],
  });

  test.each([
    {
      name: "carries the definitions it references, transitively, in the model's order",
      given: { type: "object", properties: { fee: ref("Money") } },
      want: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "Given",
        type: "object",
        properties: { fee: { $ref: "#/$defs/Money" } },
        $defs: {
          Money: { type: "object", properties: { amount: { $ref: "#/$defs/Price" } } },
          Price: { type: "number", exclusiveMinimum: 0 },
        },
      },
    },
    {
      name: "keeps the schema's own title and drops its $schema and $id",
      given: { $schema: "http://json-schema.org/draft-07/schema#", $id: "y", title: "Mine", type: "string" },
      want: { $schema: "https://json-schema.org/draft/2020-12/schema", title: "Mine", type: "string" },
    },
    {
      name: "has no $defs when nothing is referenced",
      given: true,
      want: { $schema: "https://json-schema.org/draft/2020-12/schema", title: "Given" },
    },
  ])("$name", ({ given, want }) => {
    expect(standalone(model, "Given", given)).toEqual(want);
  });

  test("fails on a reference to a definition the model lacks", () => {
    expect(() => standalone(model, "Given", ref("Nope"))).toThrow("#/$defs/Nope");
  });
});

describe("emitJsonSchemas", () => {
  test("exports one JSON Schema per definition and event payload, declared as a JsonSchemaDocument", async () => {
    const source = await emitJsonSchemas(tradingModel());
    expect(source).toContain("export type JsonSchemaDocument = { readonly [keyword: string]: unknown };");
    expect(source).not.toContain("as const");
    for (const name of [
      "Money",
      "Side",
      "OrderPlaced",
      "OrderPlacedV2",
      "RiskCheckRequested",
      "SignalTriggered",
    ]) {
      expect(source).toMatch(
        new RegExp(`export const ${name}JsonSchema: JsonSchemaDocument = \\{[\\s\\S]*?\\};`),
      );
    }
    expect(source).toContain(
      "JSON Schema of the payload of `order.placed` version 2 (type `OrderPlacedV2`).",
    );
  });

  test("emits a module for an empty model", async () => {
    expect(await emitJsonSchemas(contractModel({}))).toContain("export type JsonSchemaDocument");
  });

  test("is byte-identical across runs", async () => {
    expect(await emitJsonSchemas(tradingModel())).toBe(await emitJsonSchemas(tradingModel()));
  });
});
