import type { NormalizedSchema } from "../ir/model.js";
import { isSchemaObject, mapSubschemas } from "./walk-schema.js";

/** Keywords json-schema-to-typescript must not see below a named type: they would name or resolve types on their own. */
const DROPPED = ["$schema", "$id", "$defs", "definitions", "$comment", "examples", "title"] as const;
/** Keywords that may sit beside a `$ref` without changing the referenced type. */
const ANNOTATIONS = new Set(["description", "deprecated", "default", "readOnly", "writeOnly"]);

/**
 * Prepares a normalized schema for json-schema-to-typescript so that every
 * `#/$defs/<Name>` reference becomes the type `<Name>` and no type gets a name
 * the model did not give it:
 *
 * - nested `title`s and `$id`s are dropped (they would declare extra types);
 * - a `$ref` with sibling keywords becomes `allOf: [{ $ref }]` plus the siblings
 *   (otherwise the reference is copied into a new type such as `Money1`);
 * - an `enum`/`const` whose data holds a `"$ref"` key becomes the literal type of its values
 *   (`tsType`): that key is data, and json-schema-to-typescript would try to resolve it.
 */
export function schemaForTypes(schema: NormalizedSchema): NormalizedSchema {
  if (schema === true) return { tsType: "unknown" };
  if (schema === false) return { tsType: "never" };
  return prepare(schema);
}

function prepare(schema: NormalizedSchema): NormalizedSchema {
  if (!isSchemaObject(schema)) return schema;
  const copy: Record<string, unknown> = { ...(mapSubschemas(schema, prepare) as object) };
  for (const keyword of DROPPED) delete copy[keyword];
  const literals = dataWithRefKey(copy);
  if (literals !== undefined) {
    delete copy.enum;
    delete copy.const;
    copy.tsType = literals.length === 0 ? "never" : literals.map(literalType).join(" | ");
  }
  if (typeof copy.$ref !== "string") return copy;
  const { $ref, ...siblings } = copy;
  const keys = Object.keys(siblings);
  if (keys.length === 0) return { $ref };
  const annotations = Object.fromEntries(Object.entries(siblings).filter(([key]) => ANNOTATIONS.has(key)));
  const constraints = Object.fromEntries(Object.entries(siblings).filter(([key]) => !ANNOTATIONS.has(key)));
  const allOf = Object.keys(constraints).length === 0 ? [{ $ref }] : [{ $ref }, constraints];
  return { ...annotations, allOf };
}

/** The `enum` values (or the `const` value) when some hold a `"$ref"` key anywhere; otherwise `undefined`. */
function dataWithRefKey(schema: Record<string, unknown>): unknown[] | undefined {
  const values = Array.isArray(schema.enum)
    ? schema.enum.filter(
        (value) => !Object.hasOwn(schema, "const") || jsonText(value) === jsonText(schema.const),
      )
    : Object.hasOwn(schema, "const")
      ? [schema.const]
      : undefined;
  const data = [...(Array.isArray(schema.enum) ? schema.enum : []), schema.const];
  return values !== undefined && data.some(holdsRefKey) ? values : undefined;
}

function holdsRefKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsRefKey);
  if (!isSchemaObject(value)) return false;
  return Object.hasOwn(value, "$ref") || Object.values(value).some(holdsRefKey);
}

const jsonText = (value: unknown): string => JSON.stringify(value);

/** The TypeScript type of exactly one JSON value: `{ "$ref": "#/a" }` → `{ "$ref": "#/a" }`. */
function literalType(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literalType).join(", ")}]`;
  if (isSchemaObject(value)) {
    const members = Object.entries(value).map(([key, inner]) => `${jsonText(key)}: ${literalType(inner)}`);
    return members.length === 0 ? "Record<string, never>" : `{ ${members.join("; ")} }`;
  }
  return jsonText(value);
}
