import type { NormalizedSchema } from "../ir/model.js";

type SchemaObject = { readonly [keyword: string]: unknown };

/** Keywords whose value is one subschema. */
export const SINGLE = [
  "additionalProperties",
  "items",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
] as const;
/** Keywords whose value is an array of subschemas. */
export const LIST = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;
/** Keywords whose value maps names to subschemas. */
export const MAP = ["properties", "patternProperties", "dependentSchemas", "$defs"] as const;

/** A JSON Schema object (not `true`/`false`). */
export function isSchemaObject(schema: unknown): schema is SchemaObject {
  return typeof schema === "object" && schema !== null && !Array.isArray(schema);
}

/**
 * Returns a copy of `schema` with `map` applied to each direct subschema
 * (`properties`, `items`, `allOf`, …). `map` decides whether to recurse.
 */
export function mapSubschemas(
  schema: NormalizedSchema,
  map: (subschema: NormalizedSchema) => NormalizedSchema,
): NormalizedSchema {
  if (!isSchemaObject(schema)) return schema;
  const copy: Record<string, unknown> = { ...schema };
  for (const keyword of SINGLE) {
    const value = schema[keyword];
    if (isSchema(value)) copy[keyword] = map(value);
  }
  for (const keyword of LIST) {
    const value = schema[keyword];
    if (Array.isArray(value)) copy[keyword] = value.map((item) => (isSchema(item) ? map(item) : item));
  }
  for (const keyword of MAP) {
    const value = schema[keyword];
    if (isSchemaObject(value)) {
      copy[keyword] = Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, isSchema(item) ? map(item) : item]),
      );
    }
  }
  return copy;
}

/** Names of the model definitions `schema` refers to directly or in any subschema (`#/$defs/<Name>`). */
export function referencedNames(schema: NormalizedSchema): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!isSchemaObject(node)) return;
    if (typeof node.$ref === "string") {
      const name = refName(node.$ref);
      if (name !== undefined) names.add(name);
    }
    for (const keyword of SINGLE) visit(node[keyword]);
    for (const keyword of LIST) {
      const value = node[keyword];
      if (Array.isArray(value)) for (const item of value) visit(item);
    }
    for (const keyword of MAP) {
      const value = node[keyword];
      if (isSchemaObject(value)) for (const item of Object.values(value)) visit(item);
    }
  };
  visit(schema);
  return names;
}

/** `Money` for `#/$defs/Money`; undefined for any other reference. */
export function refName(ref: string): string | undefined {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  return match?.[1]?.replaceAll("~1", "/").replaceAll("~0", "~");
}

function isSchema(value: unknown): value is NormalizedSchema {
  return typeof value === "boolean" || isSchemaObject(value);
}
