/**
 * What a `$ref` may point at: a value that is a schema though its keyword is not an applicator (an
 * unknown keyword's value), and the bundled 2020-12 meta-schema.
 */
import { describeKeywordCases } from "./support/keyword-cases.js";

describeKeywordCases("$ref targets", [
  {
    name: "a local $ref into an unknown keyword's value uses it as a schema",
    schema: {
      shapes: { point: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }] } },
      properties: { at: { $ref: "#/shapes/point" } },
    },
    valid: [{ at: [1, 2] }, {}],
    invalid: [{ at: ["1", 2] }],
  },
  {
    name: "the 2020-12 meta-schema: a value must be a valid JSON Schema",
    schema: { $ref: "https://json-schema.org/draft/2020-12/schema" },
    valid: [true, {}, { type: ["string", "null"], minLength: 1, $defs: { a: { $ref: "#" } } }],
    invalid: [{ type: "text" }, { minLength: -1 }, { properties: { a: { required: "a" } } }, 3],
  },
]);
