import type { NormalizedSchema } from "../../ir/model.js";
import { propertyKey } from "./code-text.js";
import { literalType } from "./enum-expression.js";
import { declaredTypes, hasDeclaredType, type SchemaObject } from "./keywords.js";
import { refName, schemaConstName } from "./zod-context.js";

/** How a `$ref` is typed: recursive cycle members by their output alias, others by `z.output<typeof …>`. */
export type ReferenceType = (name: string) => string;

/** The alias naming a recursive definition's parsed type, e.g. `TreeSchemaOutput`. */
export const outputTypeName = (name: string): string => `${schemaConstName(name)}Output`;

/**
 * A TypeScript type that the output of `zodExpression(schema)` is assignable to, for annotating recursive
 * definitions (`const TreeSchema: z.ZodType<TreeSchemaOutput>`), where TypeScript cannot infer a type that
 * refers to itself. Precise for objects, arrays, scalars, enums and combinators; `unknown` where a precise
 * type would be long (typeless unions, tuples).
 */
export function outputType(schema: NormalizedSchema, reference: ReferenceType): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  const parts: string[] = [];
  const types = declaredTypes(schema);
  if (Object.hasOwn(schema, "enum") || Object.hasOwn(schema, "const")) {
    const values = (Array.isArray(schema.enum) ? schema.enum : [schema.const]).filter(
      (value) => types === undefined || hasDeclaredType(value, types),
    );
    parts.push(values.length === 0 ? "never" : values.map(literalType).join(" | "));
  } else if (types !== undefined) {
    parts.push(types.map((type) => familyType(type, schema, reference)).join(" | ") || "never");
  }
  if (schema.$ref !== undefined) parts.push(reference(refName(schema.$ref)));
  const each = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((item) => group(outputType(item as NormalizedSchema, reference))) : [];
  parts.push(...each(schema.allOf));
  if (Array.isArray(schema.anyOf)) parts.push(each(schema.anyOf).join(" | ") || "never");
  if (Array.isArray(schema.oneOf)) parts.push(each(schema.oneOf).join(" | ") || "never");
  if (parts.length === 0) return "unknown";
  return parts.length === 1 ? (parts[0] as string) : parts.map(group).join(" & ");
}

/** Parenthesizes a union or intersection so it can be an operand. */
const group = (type: string): string => (/ [|&] /.test(type) ? `(${type})` : type);

function familyType(type: string, schema: SchemaObject, reference: ReferenceType): string {
  switch (type) {
    case "null":
    case "boolean":
    case "number":
    case "string":
      return type;
    case "integer":
      return "number";
    case "array":
      if (Array.isArray(schema.prefixItems) && schema.prefixItems.length > 0) return "unknown[]";
      if (schema.items === undefined) return "unknown[]";
      return `Array<${outputType(schema.items as NormalizedSchema, reference)}>`;
    case "object":
      return objectType(schema, reference);
    default:
      return "unknown";
  }
}

function objectType(schema: SchemaObject, reference: ReferenceType): string {
  const properties = (schema.properties ?? {}) as Record<string, NormalizedSchema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const members = Object.entries(properties).map(([key, value]) => {
    const type = outputType(value, reference);
    return required.includes(key)
      ? `${propertyKey(key)}: ${type}`
      : `${propertyKey(key)}?: ${type} | undefined`;
  });
  const closed = schema.additionalProperties === false && schema.patternProperties === undefined;
  if (!closed) members.push("[key: string]: unknown");
  return members.length === 0 ? "Record<string, never>" : `{ ${members.join("; ")} }`;
}
