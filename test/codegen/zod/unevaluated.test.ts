/**
 * `unevaluatedProperties` and `unevaluatedItems`: what counts as evaluated is collected across the
 * in-place subschemas that accept the value (`allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`, `$ref`,
 * `dependentSchemas`), never from a branch that failed, and never from a sibling that only sits next to
 * a nested `unevaluated*`.
 */
import { describeKeywordCases } from "./support/keyword-cases.js";

describeKeywordCases("unevaluatedProperties", [
  {
    name: "false rejects every property no keyword evaluated",
    schema: { type: "object", properties: { id: { type: "string" } }, unevaluatedProperties: false },
    valid: [{}, { id: "a" }],
    invalid: [{ id: "a", extra: 1 }, { other: true }],
  },
  {
    name: "a schema checks the unevaluated values; patternProperties evaluate what they match",
    schema: {
      type: "object",
      patternProperties: { "^x-": true },
      unevaluatedProperties: { type: "number" },
    },
    valid: [{ "x-note": "text", size: 3 }, {}],
    invalid: [{ size: "3" }],
  },
  {
    name: "properties declared in allOf branches and a $ref count as evaluated",
    schema: {
      allOf: [{ properties: { a: true } }, { $ref: "#/$defs/WithB" }],
      unevaluatedProperties: false,
      $defs: { WithB: { properties: { b: { type: "integer" } } } },
    },
    valid: [{ a: 1, b: 2 }, { a: "x" }],
    invalid: [{ a: 1, c: 3 }, { b: "2" }],
  },
  {
    name: "an anyOf branch evaluates only when it matches",
    schema: {
      anyOf: [
        { properties: { kind: { const: "card" }, last4: { type: "string" } }, required: ["kind"] },
        { properties: { kind: { const: "cash" } }, required: ["kind"] },
      ],
      unevaluatedProperties: false,
    },
    valid: [{ kind: "card", last4: "4242" }, { kind: "cash" }],
    invalid: [
      { kind: "cash", last4: "4242" },
      { kind: "card", note: 1 },
    ],
  },
  {
    name: "oneOf: the properties of the matching branch",
    schema: {
      oneOf: [
        { properties: { a: true }, required: ["a"] },
        { properties: { b: true }, required: ["b"] },
      ],
      unevaluatedProperties: false,
    },
    valid: [{ a: 1 }, { b: 1 }],
    invalid: [{ a: 1, c: 1 }],
  },
  {
    name: "if/then/else: the if's and then's properties when the if matches, else's otherwise",
    schema: {
      if: { properties: { kind: { const: "a" } }, required: ["kind"] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { properties: { alpha: true } },
      else: { properties: { beta: true } },
      unevaluatedProperties: false,
    },
    valid: [{ kind: "a", alpha: 1 }, { beta: 1 }],
    invalid: [{ kind: "a", beta: 1 }, { alpha: 1 }, { kind: "b", beta: 1 }],
  },
  {
    name: "an if without then or else still evaluates its properties when it matches",
    schema: {
      if: { properties: { flag: { const: true } }, required: ["flag"] },
      unevaluatedProperties: false,
    },
    valid: [{ flag: true }, {}],
    invalid: [{ flag: false }],
    // ajv 8 ignores an `if` without `then`/`else`, annotations included.
    ajvDiffers: [{ flag: true }],
  },
  {
    name: "dependentSchemas evaluate when their key is present",
    schema: {
      properties: { card: true },
      dependentSchemas: { card: { properties: { expiry: { type: "string" } } } },
      unevaluatedProperties: false,
    },
    valid: [{ card: 1, expiry: "12/30" }, {}],
    invalid: [{ expiry: "12/30" }],
  },
  {
    name: "a nested unevaluatedProperties sees only its own subschema, not the parent's siblings",
    schema: {
      properties: { a: true },
      allOf: [{ unevaluatedProperties: false }],
    },
    valid: [{}],
    invalid: [{ a: 1 }],
  },
  {
    name: "a nested unevaluatedProperties evaluates everything for the outer one",
    schema: {
      allOf: [{ properties: { a: true }, unevaluatedProperties: { type: "string" } }],
      unevaluatedProperties: false,
    },
    valid: [{ a: 1, b: "x" }],
    invalid: [{ a: 1, b: 2 }],
  },
  {
    name: "not never evaluates anything",
    schema: { not: { not: { properties: { a: true } } }, unevaluatedProperties: false },
    valid: [{}],
    invalid: [{ a: 1 }],
  },
  {
    name: "additionalProperties evaluates every property",
    schema: { additionalProperties: { type: "number" }, unevaluatedProperties: false },
    valid: [{ a: 1 }],
    invalid: [{ a: "1" }],
  },
  {
    name: "through a $ref into a shared file, with a recursive definition",
    schema: {
      $ref: "https://example.test/node.json",
      properties: { label: { type: "string" } },
      unevaluatedProperties: false,
    },
    shared: {
      "node.json": {
        $id: "https://example.test/node.json",
        type: "object",
        properties: { value: { type: "number" }, next: { $ref: "#" } },
      },
    },
    valid: [{ value: 1, label: "x", next: { value: 2, anything: true } }],
    invalid: [{ value: 1, other: 2 }],
  },
  {
    name: "ignores values that are not objects",
    schema: { unevaluatedProperties: false },
    valid: ["text", 1, [1], null, {}],
    invalid: [{ a: 1 }],
  },
]);

describeKeywordCases("unevaluatedItems", [
  {
    name: "false after prefixItems rejects the items beyond them",
    schema: { type: "array", prefixItems: [{ type: "string" }], unevaluatedItems: false },
    valid: [[], ["a"]],
    invalid: [["a", 1]],
  },
  {
    name: "prefixItems in allOf branches: the longest counts",
    schema: {
      allOf: [{ prefixItems: [true] }, { prefixItems: [true, true] }],
      unevaluatedItems: { type: "string" },
    },
    valid: [[1, 2, "x"], [1]],
    invalid: [[1, 2, 3]],
  },
  {
    name: "items evaluates every item, so nothing is left",
    schema: { allOf: [{ items: { type: "number" } }], unevaluatedItems: false },
    valid: [[1, 2, 3]],
    invalid: [[1, "2"]],
  },
  {
    name: "contains evaluates the items it matches",
    schema: { contains: { type: "string" }, unevaluatedItems: { type: "number" } },
    valid: [["a", 1, "b"], ["a"]],
    invalid: [["a", true], [1]],
    // ajv 8 counts every item as evaluated once `contains` passes.
    ajvDiffers: [["a", true]],
  },
  {
    name: "anyOf branches evaluate only when they match",
    schema: {
      anyOf: [{ prefixItems: [{ const: "point" }, true, true] }, { prefixItems: [{ const: "tag" }, true] }],
      unevaluatedItems: false,
    },
    valid: [
      ["point", 1, 2],
      ["tag", "x"],
    ],
    invalid: [["tag", "x", "y"]],
  },
  {
    name: "if/then/else on tuples",
    schema: {
      if: { prefixItems: [{ const: "pair" }] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { prefixItems: [true, true] },
      else: { prefixItems: [true] },
      unevaluatedItems: false,
    },
    valid: [["pair", 1], ["one"]],
    invalid: [
      ["pair", 1, 2],
      ["one", 1],
    ],
  },
  {
    name: "through a $ref",
    schema: { $ref: "#/$defs/Pair", unevaluatedItems: false, $defs: { Pair: { prefixItems: [true, true] } } },
    valid: [[1, 2]],
    invalid: [[1, 2, 3]],
  },
  {
    name: "ignores values that are not arrays",
    schema: { unevaluatedItems: false },
    valid: [{ a: 1 }, "x", []],
    invalid: [[1]],
  },
]);
