import type { Dialect } from "../load/detect-dialect.js";
import { isObject } from "../load/json-pointer.js";

/** How a keyword's value is walked: as a subschema, a map or array of them, or as plain data. */
export type KeywordKind = "schema" | "schemaMap" | "schemaArray" | "items" | "dependencies" | "data";

/** One supported keyword: how to walk it and how to check its value (returns what is wrong). */
export interface KeywordSpec {
  readonly kind: KeywordKind;
  /** Dialects where it exists; both when absent. */
  readonly dialects?: readonly Dialect[];
  readonly check?: (value: unknown, dialect: Dialect) => string | undefined;
}

/** The formats the emitters turn into checks: ajv-formats' "full" set, with its definitions. */
export const SUPPORTED_FORMATS: readonly string[] = [
  "date",
  "time",
  "date-time",
  "iso-time",
  "iso-date-time",
  "duration",
  "uri",
  "uri-reference",
  "uri-template",
  "url",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "regex",
  "uuid",
  "json-pointer",
  "json-pointer-uri-fragment",
  "relative-json-pointer",
  "byte",
  "int32",
  "int64",
  "float",
  "double",
  "password",
  "binary",
];

const TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"];

const isCount = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0 ? undefined : "must be a non-negative integer";
const isNumber = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? undefined : "must be a number";
const isString = (value: unknown) => (typeof value === "string" ? undefined : "must be a string");
const isBoolean = (value: unknown) => (typeof value === "boolean" ? undefined : "must be true or false");
const isArray = (value: unknown) => (Array.isArray(value) ? undefined : "must be an array");
const isNonEmptyArray = (value: unknown) =>
  Array.isArray(value) && value.length > 0 ? undefined : "must be a non-empty array";
const isSchemaMap = (value: unknown) => (isObject(value) ? undefined : "must be an object of schemas");

function checkType(value: unknown): string | undefined {
  const names = Array.isArray(value) ? value : [value];
  if (names.length === 0) return "must name at least one type";
  const bad = names.find((name) => typeof name !== "string" || !TYPES.includes(name));
  if (bad !== undefined) return `has unknown type ${JSON.stringify(bad)} (known: ${TYPES.join(", ")})`;
  return new Set(names).size === names.length ? undefined : "lists a type twice";
}

function checkRequired(value: unknown): string | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string")
    ? undefined
    : "must be an array of property names";
}

function checkDependentRequired(value: unknown): string | undefined {
  return isObject(value) && Object.values(value).every(isStringArray)
    ? undefined
    : "must be an object of property name arrays";
}

function checkDependencies(value: unknown): string | undefined {
  return isObject(value) &&
    Object.values(value).every(
      (entry) => isStringArray(entry) || isObject(entry) || typeof entry === "boolean",
    )
    ? undefined
    : "must be an object of schemas or property name arrays";
}

const isStringArray = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function checkPattern(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a string";
  try {
    new RegExp(value, "u");
    return undefined;
  } catch {
    return "is not a valid regular expression";
  }
}

function checkExclusive(value: unknown): string | undefined {
  return typeof value === "boolean" ? undefined : isNumber(value);
}

function checkVocabulary(value: unknown): string | undefined {
  return isObject(value) && Object.values(value).every((entry) => typeof entry === "boolean")
    ? undefined
    : "must be an object of vocabulary URIs to true or false";
}

function checkMultipleOf(value: unknown): string | undefined {
  return typeof value === "number" && value > 0 ? undefined : "must be a number greater than 0";
}

/**
 * The keywords Postbus supports: every emitter handles each of them, so none is
 * silently dropped. A dialect's assertion outside this list is a `POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD`
 * ({@link UNSUPPORTED_ASSERTIONS}); a keyword no dialect defines is an ignored annotation.
 */
export const KEYWORDS: ReadonlyMap<string, KeywordSpec> = new Map<string, KeywordSpec>([
  ["type", { kind: "data", check: checkType }],
  // draft-07's meta-schema wants at least one value; 2020-12 allows none (then nothing is valid).
  [
    "enum",
    { kind: "data", check: (value, dialect) => (dialect === "draft-07" ? isNonEmptyArray : isArray)(value) },
  ],
  ["const", { kind: "data" }],
  ["oneOf", { kind: "schemaArray", check: isNonEmptyArray }],
  ["anyOf", { kind: "schemaArray", check: isNonEmptyArray }],
  ["allOf", { kind: "schemaArray", check: isNonEmptyArray }],
  ["not", { kind: "schema" }],
  ["if", { kind: "schema" }],
  ["then", { kind: "schema" }],
  ["else", { kind: "schema" }],
  ["$ref", { kind: "data", check: isString }],
  ["$defs", { kind: "schemaMap", check: isSchemaMap }],
  ["definitions", { kind: "schemaMap", check: isSchemaMap }],
  ["properties", { kind: "schemaMap", check: isSchemaMap }],
  ["patternProperties", { kind: "schemaMap", check: isSchemaMap }],
  ["required", { kind: "data", check: checkRequired }],
  ["minProperties", { kind: "data", check: isCount }],
  ["maxProperties", { kind: "data", check: isCount }],
  ["propertyNames", { kind: "schema" }],
  ["dependentRequired", { kind: "data", dialects: ["2020-12"], check: checkDependentRequired }],
  ["dependentSchemas", { kind: "schemaMap", dialects: ["2020-12"], check: isSchemaMap }],
  // draft-07's keyword; 2020-12 split it in two but, like ajv, still reads it (the suite's optional
  // dependencies-compatibility tests).
  ["dependencies", { kind: "dependencies", check: checkDependencies }],
  ["additionalProperties", { kind: "schema" }],
  ["items", { kind: "items" }],
  ["prefixItems", { kind: "schemaArray", dialects: ["2020-12"], check: isArray }],
  ["additionalItems", { kind: "schema", dialects: ["draft-07"] }],
  ["minItems", { kind: "data", check: isCount }],
  ["maxItems", { kind: "data", check: isCount }],
  ["uniqueItems", { kind: "data", check: isBoolean }],
  ["contains", { kind: "schema" }],
  ["unevaluatedProperties", { kind: "schema", dialects: ["2020-12"] }],
  ["unevaluatedItems", { kind: "schema", dialects: ["2020-12"] }],
  ["minContains", { kind: "data", dialects: ["2020-12"], check: isCount }],
  ["maxContains", { kind: "data", dialects: ["2020-12"], check: isCount }],
  ["minLength", { kind: "data", check: isCount }],
  ["maxLength", { kind: "data", check: isCount }],
  ["pattern", { kind: "data", check: checkPattern }],
  ["format", { kind: "data", check: isString }],
  ["minimum", { kind: "data", check: isNumber }],
  ["maximum", { kind: "data", check: isNumber }],
  ["exclusiveMinimum", { kind: "data", check: checkExclusive }],
  ["exclusiveMaximum", { kind: "data", check: checkExclusive }],
  ["multipleOf", { kind: "data", check: checkMultipleOf }],
  ["default", { kind: "data" }],
  ["nullable", { kind: "data", check: isBoolean }],
  ["title", { kind: "data", check: isString }],
  ["description", { kind: "data", check: isString }],
  ["examples", { kind: "data", check: isArray }],
  ["example", { kind: "data" }],
  ["deprecated", { kind: "data", check: isBoolean }],
  ["readOnly", { kind: "data", check: isBoolean }],
  ["writeOnly", { kind: "data", check: isBoolean }],
  ["$schema", { kind: "data", check: isString }],
  ["$id", { kind: "data", check: isString }],
  ["$anchor", { kind: "data", dialects: ["2020-12"], check: isString }],
  ["$dynamicRef", { kind: "data", dialects: ["2020-12"], check: isString }],
  ["$dynamicAnchor", { kind: "data", dialects: ["2020-12"], check: isString }],
  ["$vocabulary", { kind: "data", dialects: ["2020-12"], check: checkVocabulary }],
  ["$comment", { kind: "data", check: isString }],
  // Annotations only (draft-07 and 2020-12 alike): never asserted, left out of the model.
  ["contentEncoding", { kind: "data", check: isString }],
  ["contentMediaType", { kind: "data", check: isString }],
  ["contentSchema", { kind: "data", dialects: ["2020-12"] }],
]);

/**
 * Assertion keywords of a dialect that Postbus does not implement: refused, since ignoring them would
 * accept too much. Every other keyword outside {@link KEYWORDS} is unknown to the dialect, and the
 * specification makes an unknown keyword an annotation.
 */
export const UNSUPPORTED_ASSERTIONS: Readonly<Record<Dialect, ReadonlySet<string>>> = {
  "2020-12": new Set(),
  "draft-07": new Set(),
};

/** Whether `keyword` is one {@link KEYWORDS} supports in `dialect`. */
export function isSupportedKeyword(keyword: string, dialect: Dialect): boolean {
  const spec = KEYWORDS.get(keyword);
  return spec !== undefined && (spec.dialects === undefined || spec.dialects.includes(dialect));
}

/** Keywords that only describe (never constrain): allowed next to `$ref` in draft-07. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  "title",
  "description",
  "examples",
  "example",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "default",
  "$id",
  "$schema",
  "$defs",
  "definitions",
]);

/** Keywords that step into values (object members, array items): a `$ref` under them is "guarded". */
export const STRUCTURAL: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
