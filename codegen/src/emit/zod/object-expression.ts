import { indentTail, listText, literal, patternLiteral, propertyKey } from "./code-text.js";
import type { SchemaObject } from "./keywords.js";
import type { ZodEmitContext } from "./zod-context.js";

type Subschema = (schema: unknown) => string;

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * An object. `additionalProperties`: absent/true → `z.looseObject` (extra keys kept), false → `z.strictObject`,
 * a schema → `.catchall`. With `patternProperties`, a loose object plus a `superRefine` that checks each key
 * against the matching patterns, and only unmatched undeclared keys against `additionalProperties`.
 * Declared names that every object inherits (`constructor`, `toString`, `__proto__`) are judged on own keys
 * only (`ownKeysOnly`).
 */
export function objectExpression(
  schema: SchemaObject,
  context: ZodEmitContext,
  subschema: Subschema,
): string {
  const properties = record(schema.properties);
  const declared = Object.keys(properties);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const expression = objectChecks(schema, declared, required, context, subschema);
  if (![...declared, ...required].some((key) => PROTOTYPE_NAMES.has(key))) return expression;
  context.use("ownKeysOnly");
  if (!declared.includes("__proto__") && !required.includes("__proto__")) return `ownKeysOnly(${expression})`;
  const proto = Object.entries(properties).find(([key]) => key === "__proto__");
  const protoSchema = proto === undefined ? "z.unknown()" : subschema(proto[1]);
  return `ownKeysOnly(${expression}, [${protoSchema}, ${required.includes("__proto__")}])`;
}

/** Names every object inherits: zod's shapes would read them from the prototype of `{}`. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function objectChecks(
  schema: SchemaObject,
  declared: readonly string[],
  required: readonly string[],
  context: ZodEmitContext,
  subschema: Subschema,
): string {
  const properties = record(schema.properties);
  const entries = declared
    .filter((key) => key !== "__proto__")
    .map((key) => {
      const value = subschema(properties[key]);
      return `${propertyKey(key)}: ${required.includes(key) ? value : `${value}.optional()`}`;
    });
  const shape =
    entries.length === 0 ? "{}" : `{\n${entries.map((entry) => `  ${indentTail(entry)},`).join("\n")}\n}`;
  const additional = schema.additionalProperties;
  const patterns = Object.entries(record(schema.patternProperties));

  let expression: string;
  if (patterns.length > 0) {
    context.use("patternProperties");
    const pairs = patterns.map(([pattern, value]) => `[${patternLiteral(pattern)}, ${subschema(value)}]`);
    const rest =
      additional === false
        ? "false"
        : additional === undefined || additional === true
          ? "undefined"
          : subschema(additional);
    expression = `z.looseObject(${shape}).superRefine(\n  patternProperties(${indentTail(listText("[", pairs, "]"))}, ${literal(declared)}, ${indentTail(rest)}),\n)`;
  } else if (additional === false) {
    expression = `z.strictObject(${shape})`;
  } else if (additional === undefined || additional === true) {
    expression = `z.looseObject(${shape})`;
  } else {
    expression = `z.looseObject(${shape}).catchall(${subschema(additional)})`;
  }

  const undeclaredRequired = required.filter((key) => !declared.includes(key) && key !== "__proto__");
  if (undeclaredRequired.length > 0) {
    context.use("hasKeys");
    expression += `.refine(hasKeys(${literal(undeclaredRequired)}), { message: "missing a required property" })`;
  }
  const { minProperties, maxProperties } = schema;
  if (typeof minProperties === "number" || typeof maxProperties === "number") {
    context.use("propertyCount");
    const min = typeof minProperties === "number" ? minProperties : 0;
    const max = typeof maxProperties === "number" ? maxProperties : "Infinity";
    expression += `.refine(propertyCount(${min}, ${max}), { message: "must have between ${min} and ${max} properties" })`;
  }
  if (schema.propertyNames !== undefined) {
    context.use("propertyNamesMatch");
    expression += `.refine(propertyNamesMatch(${subschema(schema.propertyNames)}), { message: "has an invalid property name" })`;
  }
  if (schema.dependentRequired !== undefined) {
    context.use("dependentRequired");
    expression += `.refine(dependentRequired(${literal(schema.dependentRequired)}), { message: "misses a dependent property" })`;
  }
  const dependent = Object.entries(record(schema.dependentSchemas));
  if (dependent.length > 0) {
    context.use("dependentSchemas");
    const map = dependent.map(([key, value]) => `${propertyKey(key)}: ${subschema(value)}`);
    expression += `.refine(dependentSchemas(${listText("{ ", map, " }")}), { message: "fails a dependent schema" })`;
  }
  return expression;
}
