/**
 * Object keywords on keys every JavaScript object inherits: `{}` has no `constructor`, `toString` or
 * `__proto__` of its own, so it neither "has" them for `required` nor offers them to `properties`; a
 * JSON `__proto__` key is an ordinary key. Also `dependencies`, which 2020-12 replaced but still reads.
 */
import { describeKeywordCases } from "./support/keyword-cases.js";

const parsed = (text: string): unknown => JSON.parse(text);

describeKeywordCases("properties and required named like Object.prototype members", [
  {
    name: "required counts only own keys",
    schema: { required: ["constructor", "toString"] },
    valid: [{ constructor: 1, toString: "x" }, [], 3],
    invalid: [{}, { toString: "x" }],
  },
  {
    name: "a declared constructor or toString is checked only when the object has it",
    schema: { properties: { constructor: { type: "number" }, toString: { type: "string" } } },
    valid: [{}, { constructor: 2 }, { toString: "x" }],
    invalid: [{ constructor: "2" }, { toString: 1 }],
  },
  {
    name: "a JSON __proto__ key is checked like any key, and required like any key",
    // Parsed, since `__proto__:` in an object literal would set the prototype.
    schema: parsed('{"properties": {"__proto__": {"type": "number"}}, "required": ["__proto__"]}') as Record<
      string,
      unknown
    >,
    valid: [parsed('{"__proto__": 1}')],
    invalid: [{}, parsed('{"__proto__": "one"}')],
    // ajv 8's generated code reads `data.__proto__`, the prototype, not the key.
    ajvDiffers: [parsed('{"__proto__": "one"}')],
  },
  {
    name: "dependentRequired and dependentSchemas see own keys only",
    schema: {
      dependentRequired: { valueOf: ["toString"] },
      dependentSchemas: { constructor: { required: ["hasOwnProperty"] } },
    },
    valid: [{}, { valueOf: 1, toString: 2 }, { constructor: 1, hasOwnProperty: 2 }],
    invalid: [{ valueOf: 1 }, { constructor: 1 }],
  },
]);

describeKeywordCases("enum and the draft-07 $ref", [
  {
    name: "an empty enum (allowed in 2020-12) accepts nothing",
    schema: { enum: [] },
    valid: [],
    invalid: [1, "a", null, {}],
    ajvRefuses: "ajv 8 requires a non-empty enum even in 2020-12",
  },
  {
    name: 'draft-07: an "$id" beside "$ref" does not change the base the reference resolves against',
    dialect: "draft-07",
    schema: {
      $id: "https://example.test/root/",
      definitions: {
        other: { $id: "https://example.test/item.json", type: "string" },
        item: { $id: "item.json", type: "number" },
      },
      allOf: [{ $id: "https://example.test/", $ref: "item.json" }],
    },
    valid: [1],
    invalid: ["a"],
    // ajv 8 lets the sibling "$id" change the base (https://example.test/item.json, the string).
    ajvDiffers: [1, "a"],
  },
]);

describeKeywordCases("dependencies in 2020-12, read as ajv reads it", [
  {
    name: "names and schemas",
    schema: { dependencies: { card: ["expiry"], bank: { required: ["iban"] } } },
    valid: [{}, { card: 1, expiry: 2 }, { bank: 1, iban: 2 }],
    invalid: [{ card: 1 }, { bank: 1 }],
  },
]);
