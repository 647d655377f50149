/**
 * `$dynamicRef`/`$dynamicAnchor`, resolved statically: the outermost schema resource on the way to the
 * reference that declares the anchor decides where it lands, so one shared schema validates differently
 * under each schema that extends it (each such use is a definition of its own in the model).
 */
import { describeKeywordCases } from "./support/keyword-cases.js";

const list = {
  $id: "https://example.test/list.json",
  type: "array",
  items: { $dynamicRef: "#item" },
  $defs: { item: { $dynamicAnchor: "item" } },
};

const tree = {
  $id: "https://example.test/tree.json",
  $dynamicAnchor: "node",
  type: "object",
  properties: { value: true, children: { type: "array", items: { $dynamicRef: "#node" } } },
};

describeKeywordCases("$dynamicRef and $dynamicAnchor", [
  {
    name: "a generic list takes its item schema from the schema that uses it",
    schema: {
      $id: "https://example.test/numbers.json",
      $ref: "https://example.test/list.json",
      $defs: { number: { $dynamicAnchor: "item", type: "number" } },
    },
    shared: { "list.json": list },
    valid: [[], [1, 2.5]],
    invalid: [["one"], [1, null]],
    // ajv 8 looks for a $dynamicAnchor only at the root of a schema resource, not in its $defs.
    ajvDiffers: [[1, 2.5]],
  },
  {
    name: "two users of the same generic list, each with its own items",
    schema: {
      $id: "https://example.test/pair.json",
      type: "object",
      properties: {
        numbers: { $ref: "https://example.test/numbers-list.json" },
        strings: { $ref: "https://example.test/strings-list.json" },
      },
    },
    shared: {
      "list.json": list,
      "numbers-list.json": {
        $id: "https://example.test/numbers-list.json",
        $ref: "list.json",
        $defs: { item: { $dynamicAnchor: "item", type: "number" } },
      },
      "strings-list.json": {
        $id: "https://example.test/strings-list.json",
        $ref: "list.json",
        $defs: { item: { $dynamicAnchor: "item", type: "string" } },
      },
    },
    valid: [{ numbers: [1], strings: ["a"] }],
    invalid: [{ numbers: ["a"] }, { strings: [1] }],
    ajvDiffers: [{ numbers: [1], strings: ["a"] }],
  },
  {
    name: "a recursive schema extended: the extension applies at every level",
    schema: {
      $id: "https://example.test/strict-tree.json",
      $dynamicAnchor: "node",
      $ref: "https://example.test/tree.json",
      unevaluatedProperties: false,
    },
    shared: { "tree.json": tree },
    valid: [{ value: 1, children: [{ value: 2, children: [] }] }],
    invalid: [{ value: 1, extra: 1 }, { children: [{ value: 2, extra: true }] }],
  },
  {
    name: "the shared schema on its own keeps its own anchor",
    schema: { $id: "https://example.test/plain.json", $ref: "https://example.test/tree.json" },
    shared: { "tree.json": tree },
    valid: [{ children: [{ extra: true, children: [] }] }],
    invalid: [{ children: [1] }],
  },
  {
    name: "without a matching $dynamicAnchor at its first target, a $dynamicRef is a $ref",
    schema: {
      $id: "https://example.test/static.json",
      type: "array",
      items: { $dynamicRef: "#/$defs/text" },
      $defs: { text: { type: "string" } },
    },
    valid: [["a"]],
    invalid: [[1]],
    // ajv 8 does not follow a $dynamicRef whose fragment is a JSON pointer.
    ajvDiffers: [["a"]],
  },
]);
