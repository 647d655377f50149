import { describe, expect, it } from "vitest";
import { normalizeSchema } from "../../../codegen/src/ir/normalize-schema.js";
import type { Dialect } from "../../../codegen/src/load/detect-dialect.js";
import { detectDialect } from "../../../codegen/src/load/detect-dialect.js";

const normalize = (schema: unknown, dialect: Dialect = "draft-07") =>
  normalizeSchema(schema, "", { dialect, refName: (pointer) => `Def${pointer.replaceAll("/", "_")}` });

describe("normalization to the IR's 2020-12 dialect", () => {
  it.each<[string, unknown, unknown]>([
    ["boolean exclusiveMinimum true", { minimum: 1, exclusiveMinimum: true }, { exclusiveMinimum: 1 }],
    ["boolean exclusiveMinimum false", { minimum: 1, exclusiveMinimum: false }, { minimum: 1 }],
    ["boolean exclusiveMaximum true", { maximum: 9, exclusiveMaximum: true }, { exclusiveMaximum: 9 }],
    ["numeric exclusiveMinimum (draft-07)", { exclusiveMinimum: 0 }, { exclusiveMinimum: 0 }],
    ["nullable with a type", { type: "string", nullable: true }, { type: ["string", "null"] }],
    [
      "nullable with a type array",
      { type: ["string", "null"], nullable: true },
      { type: ["string", "null"] },
    ],
    [
      "nullable with an enum",
      { type: "string", enum: ["a"], nullable: true },
      { type: ["string", "null"], enum: ["a", null] },
    ],
    [
      "nullable with a const",
      { type: "string", const: "a", nullable: true },
      { type: ["string", "null"], enum: ["a", null] },
    ],
    [
      "nullable without a type",
      { description: "d", properties: { a: {} }, nullable: true },
      { description: "d", anyOf: [{ properties: { a: {} } }, { type: "null" }] },
    ],
    ["nullable false", { type: "string", nullable: false }, { type: "string" }],
    [
      "tuple items with additionalItems false",
      { items: [{ type: "string" }], additionalItems: false },
      { prefixItems: [{ type: "string" }], items: false },
    ],
    [
      "tuple items with an additionalItems schema",
      { items: [{ type: "string" }], additionalItems: { type: "number" } },
      { prefixItems: [{ type: "string" }], items: { type: "number" } },
    ],
    [
      "tuple items without additionalItems",
      { items: [{ type: "string" }] },
      { prefixItems: [{ type: "string" }] },
    ],
    [
      "additionalItems next to a single items schema",
      { items: { type: "string" }, additionalItems: false },
      { items: { type: "string" } },
    ],
    [
      "definitions and $comment dropped",
      { type: "object", definitions: { A: {} }, $comment: "c" },
      { type: "object" },
    ],
    [
      "$ref rewritten",
      { properties: { a: { $ref: "#/definitions/A" } } },
      { properties: { a: { $ref: "#/$defs/Def_properties_a" } } },
    ],
    [
      "draft-07 $ref keeps annotations only",
      { $ref: "x.json", description: "d", minLength: 1 },
      { $ref: "#/$defs/Def", description: "d" },
    ],
    [
      "if/then/else kept, with $refs rewritten",
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      { if: { required: ["a"] }, then: { $ref: "t.json" }, else: false },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      { if: { required: ["a"] }, then: { $ref: "#/$defs/Def_then" }, else: false },
    ],
    [
      "contains kept",
      { type: "array", contains: { $ref: "c.json" } },
      { type: "array", contains: { $ref: "#/$defs/Def_contains" } },
    ],
    [
      "propertyNames kept",
      { type: "object", propertyNames: { pattern: "^a", format: "regex" } },
      { type: "object", propertyNames: { pattern: "^a", format: "regex" } },
    ],
    [
      "minProperties and maxProperties kept",
      { type: "object", minProperties: 1, maxProperties: 3 },
      { type: "object", minProperties: 1, maxProperties: 3 },
    ],
    ["not kept, with its $ref rewritten", { not: { $ref: "n.json" } }, { not: { $ref: "#/$defs/Def_not" } }],
    [
      "dependencies split into dependentRequired and dependentSchemas",
      { dependencies: { a: ["b", "c"], d: { required: ["e"] }, f: { $ref: "f.json" }, g: true } },
      {
        dependentRequired: { a: ["b", "c"] },
        dependentSchemas: { d: { required: ["e"] }, f: { $ref: "#/$defs/Def_dependencies_f" }, g: true },
      },
    ],
    [
      "OpenAPI example dropped (an annotation, not an instance to check)",
      { type: "string", example: { $ref: "http://example.com/examples/a.json" } },
      { type: "string" },
    ],
    [
      "x- annotations kept, x-postbus dropped",
      { "x-postbus": {}, "x-order": 1, type: "string" },
      { "x-order": 1, type: "string" },
    ],
  ])("%s", (_name, given, want) => {
    expect(normalize(given)).toEqual(want);
  });

  it("keeps 2020-12 dependentRequired and dependentSchemas", () => {
    expect(
      normalize({ dependentRequired: { a: ["b"] }, dependentSchemas: { c: { $ref: "c.json" } } }, "2020-12"),
    ).toEqual({
      dependentRequired: { a: ["b"] },
      dependentSchemas: { c: { $ref: "#/$defs/Def_dependentSchemas_c" } },
    });
  });

  it("keeps 2020-12 keywords next to $ref", () => {
    expect(normalize({ $ref: "x.json", minLength: 1 }, "2020-12")).toEqual({
      $ref: "#/$defs/Def",
      minLength: 1,
    });
  });

  it.each([
    [{}, "2020-12"],
    [{ $schema: "https://json-schema.org/draft/2020-12/schema" }, "2020-12"],
    [{ $schema: "http://json-schema.org/draft-07/schema#" }, "draft-07"],
    [{ $schema: "https://json-schema.org/draft-07/schema" }, "draft-07"],
    [{ $schema: "http://json-schema.org/draft-04/schema#" }, undefined],
    [{ $schema: "https://json-schema.org/draft/2019-09/schema" }, undefined],
  ])("detects the dialect of %o as %s", (given, want) => {
    expect(detectDialect(given)).toBe(want);
  });
});
