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
 *   (otherwise the reference is copied into a new type such as `Money1`).
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
  if (typeof copy.$ref !== "string") return copy;
  const { $ref, ...siblings } = copy;
  const keys = Object.keys(siblings);
  if (keys.length === 0) return { $ref };
  const annotations = Object.fromEntries(Object.entries(siblings).filter(([key]) => ANNOTATIONS.has(key)));
  const constraints = Object.fromEntries(Object.entries(siblings).filter(([key]) => !ANNOTATIONS.has(key)));
  const allOf = Object.keys(constraints).length === 0 ? [{ $ref }] : [{ $ref }, constraints];
  return { ...annotations, allOf };
}
