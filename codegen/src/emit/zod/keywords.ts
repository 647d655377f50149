import type { NormalizedSchema } from "../../ir/model.js";
import { NUMBER_FORMATS, STRING_FORMATS } from "./format-checks.js";

/** A schema object (not `true`/`false`), read keyword by keyword. */
export type SchemaObject = { readonly [keyword: string]: unknown };

/** The JSON types zod distinguishes; `integer` is a `number` with a check. */
export type TypeFamily = "null" | "boolean" | "object" | "array" | "number" | "string";

/** Every family, in the fixed order a typeless schema checks its type-specific keywords. */
export const ALL_FAMILIES: readonly TypeFamily[] = ["null", "boolean", "object", "array", "number", "string"];

const FAMILY_KEYWORDS: Readonly<Record<TypeFamily, readonly string[]>> = {
  null: [],
  boolean: [],
  string: ["minLength", "maxLength", "pattern"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  array: ["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"],
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
  ],
};

/** Assertion keywords the emitter cannot model faithfully: emitting would silently accept too much. */
const UNSUPPORTED = ["$dynamicRef", "$recursiveRef", "dependencies"];

/** Throws for a keyword the zod emitter does not support, naming it. */
export function assertSupported(schema: SchemaObject): void {
  const found = UNSUPPORTED.filter((keyword) => Object.hasOwn(schema, keyword));
  if (found.length > 0)
    throw new Error(`zod emitter: unsupported JSON Schema keyword(s) ${found.join(", ")}`);
}

/** Whether the schema has keywords that only constrain values of this family. */
export function hasFamilyKeywords(schema: SchemaObject, family: TypeFamily): boolean {
  if (FAMILY_KEYWORDS[family].some((keyword) => Object.hasOwn(schema, keyword))) return true;
  const format = schema.format;
  if (typeof format !== "string") return false;
  if (family === "string") return Boolean(STRING_FORMATS[format]);
  if (family === "number") return Boolean(NUMBER_FORMATS[format]);
  return false;
}

/** `type` as a list (`integer` kept), or undefined when the schema does not constrain the type. */
export function declaredTypes(schema: SchemaObject): readonly string[] | undefined {
  const type = schema.type;
  if (type === undefined) return undefined;
  return Array.isArray(type) ? (type as string[]) : [type as string];
}

/** The JSON type name of a JSON value: `integer` for whole numbers. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Whether a JSON value has one of the declared types (`number` includes integers). */
export function hasDeclaredType(value: unknown, types: readonly string[]): boolean {
  const type = jsonTypeOf(value);
  return types.includes(type) || (type === "integer" && types.includes("number"));
}

/** `true` → `{}` view, `false` → undefined; for reading keywords uniformly. */
export const asObject = (schema: NormalizedSchema): SchemaObject | undefined =>
  schema === true ? {} : schema === false ? undefined : schema;
