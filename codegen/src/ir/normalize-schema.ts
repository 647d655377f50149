import type { Dialect } from "../load/detect-dialect.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import { isSupportedKeyword } from "../validate/keywords.js";
import type { NormalizedSchema } from "./model.js";

/** What normalizing needs to know about `$ref`s, and what it reports back. */
export interface NormalizeContext {
  readonly dialect: Dialect;
  /** Whether a keyword the dialect defines is only an annotation here (a vocabulary left out, a 2020-12 `format`). */
  readonly ignores?: (keyword: string) => boolean;
  /** The definition name a `$ref` held by the schema at `pointer` resolves to; `undefined` if unresolved. */
  readonly refName: (pointer: string) => string | undefined;
  /** The same for a `$dynamicRef` (2020-12), resolved in the dynamic scope at `pointer`. */
  readonly dynamicRefName?: (pointer: string) => string | undefined;
  /** Called for every `$ref`; `guarded` when an object member or array item lies between it and the root. */
  readonly onRef?: (name: string, pointer: string, guarded: boolean) => void;
}

const DROPPED = new Set([
  "x-postbus",
  "$schema",
  "$id",
  "$anchor",
  "$dynamicAnchor",
  "$vocabulary",
  "$comment",
  "$defs",
  "definitions",
  "nullable",
  "example",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
]);
const HOISTED = ["title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"];
const ANNOTATION_ONLY = new Set([...HOISTED, "$ref"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "dependentSchemas"]);
const SINGLE_SCHEMAS = new Set([
  "not",
  "additionalProperties",
  "items",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
/**
 * Keywords whose subschemas are not part of the value's own type: object members, array items, and the
 * assertions TypeScript types cannot show (`not`, conditionals, `contains`, property names, dependencies).
 */
const GUARDING = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "dependentSchemas",
  "dependencies",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

/**
 * Converts a (sub)schema to the IR's dialect (see {@link NormalizedSchema}):
 * `$ref`s and `$dynamicRef`s (resolved for the scope by `context`) become `#/$defs/<Name>`; draft-07 `definitions`, tuple `items` and
 * `additionalItems` become 2020-12, `dependencies` becomes `dependentRequired` (name lists) and
 * `dependentSchemas` (schemas); boolean `exclusiveMinimum`/`exclusiveMaximum`
 * become numbers; OpenAPI `nullable` becomes a type union; `x-postbus`, `$id`,
 * `$schema`, `$comment`, `content*` annotations, keywords the dialect does not define (annotations)
 * or that `context.ignores` (vocabularies a custom metaschema leaves out, a `format` that only annotates),
 * nested `$defs` (referenced definitions live in the model) and OpenAPI's
 * `example` go (an annotation whose value real corpora use loosely, e.g. AsyncAPI's `{ "$ref": … }` to
 * an examples file; only `examples` entries are checked against the schema).
 */
export function normalizeSchema(node: unknown, pointer: string, context: NormalizeContext): NormalizedSchema {
  return normalize(node, pointer, context, false);
}

function normalize(
  node: unknown,
  pointer: string,
  context: NormalizeContext,
  guarded: boolean,
): NormalizedSchema {
  if (typeof node === "boolean") return node;
  if (!isObject(node)) return {};
  const out: Record<string, unknown> = {};
  const hasRef = typeof node.$ref === "string";
  let dynamicRef: string | undefined;
  for (const [keyword, value] of Object.entries(node)) {
    if (DROPPED.has(keyword)) continue;
    // A keyword the dialect does not define is an annotation (validate/ reported it): left out.
    if (!keyword.startsWith("x-") && !isSupportedKeyword(keyword, context.dialect)) continue;
    // So is one the file's vocabularies leave out, or a 2020-12 `format` the config makes an annotation.
    if (context.ignores?.(keyword) === true) continue;
    if (context.dialect === "draft-07" && hasRef && !ANNOTATION_ONLY.has(keyword)) continue;
    const at = appendPointer(pointer, keyword);
    const child = (inner: unknown, innerPointer: string) =>
      normalize(inner, innerPointer, context, guarded || GUARDING.has(keyword));
    if (keyword === "$ref") {
      const name = context.refName(pointer);
      if (name !== undefined) context.onRef?.(name, pointer, guarded);
      out.$ref = `#/$defs/${name ?? "Unresolved"}`;
    } else if (keyword === "$dynamicRef") {
      const name = context.dynamicRefName?.(pointer);
      if (name !== undefined) context.onRef?.(name, pointer, guarded);
      dynamicRef = `#/$defs/${name ?? "Unresolved"}`;
    } else if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, child(inner, appendPointer(at, key))]),
      );
    } else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((inner, index) => child(inner, appendPointer(at, index)));
    } else if (keyword === "items" && Array.isArray(value)) {
      out.prefixItems = value.map((inner, index) => child(inner, appendPointer(at, index)));
      if (node.additionalItems !== undefined) {
        out.items = normalize(node.additionalItems, appendPointer(pointer, "additionalItems"), context, true);
      }
    } else if (keyword === "additionalItems") {
      // Folded into `items` above; meaningless next to a single-schema `items`.
    } else if (SINGLE_SCHEMAS.has(keyword)) {
      out[keyword] = child(value, at);
    } else if (keyword === "dependencies" && isObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        const target = Array.isArray(inner) ? "dependentRequired" : "dependentSchemas";
        const converted = Array.isArray(inner) ? inner : child(inner, appendPointer(at, key));
        out[target] = { ...(out[target] as Record<string, unknown> | undefined), [key]: converted };
      }
    } else if (keyword === "exclusiveMinimum" || keyword === "exclusiveMaximum") {
      if (typeof value === "number") out[keyword] = value;
      else if (value === true) out[keyword] = node[keyword === "exclusiveMinimum" ? "minimum" : "maximum"];
    } else if (
      (keyword === "minimum" && node.exclusiveMinimum === true) ||
      (keyword === "maximum" && node.exclusiveMaximum === true)
    ) {
      // Became the exclusive bound.
    } else {
      out[keyword] = value;
    }
  }
  if (dynamicRef !== undefined) {
    // Resolved for this scope, a `$dynamicRef` is a `$ref`; beside a `$ref`, one more `allOf` branch.
    if (out.$ref === undefined) out.$ref = dynamicRef;
    else out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), { $ref: dynamicRef }];
  }
  return node.nullable === true ? makeNullable(out) : out;
}

function makeNullable(schema: Record<string, unknown>): NormalizedSchema {
  const type = schema.type;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    const result: Record<string, unknown> = {
      ...schema,
      type: types.includes("null") ? types : [...types, "null"],
    };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) result.enum = [...schema.enum, null];
    if ("const" in schema) {
      delete result.const;
      result.enum = [schema.const, null];
    }
    return result;
  }
  const hoisted: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (HOISTED.includes(keyword)) hoisted[keyword] = value;
    else rest[keyword] = value;
  }
  return { ...hoisted, anyOf: [rest, { type: "null" }] };
}
