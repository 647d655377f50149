import { listText, literal, patternLiteral, propertyKey } from "./code-text.js";
import type { SchemaObject } from "./keywords.js";
import { refName, type ZodEmitContext } from "./zod-context.js";

type Subschema = (schema: unknown) => string;

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * The `Evaluation` literal (see `evaluation-helpers.ts`) of a schema: what it and its in-place subschemas
 * (`allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`, `dependentSchemas`, `$ref`) evaluate of the value at their
 * own location, for an `unevaluatedProperties`/`unevaluatedItems` beside or above it. `own: false` leaves
 * out the schema's own `unevaluated*` (what they check is not yet evaluated); `undefined` when the schema
 * evaluates nothing. A `$ref` becomes a thunk of the definition's evaluation (`() => evaluatedByMoney`).
 *
 * @example
 * evaluationExpression({ properties: { a: {} }, allOf: [{ $ref: "#/$defs/B" }] }, context, subschema, true)
 * // → '{ properties: ["a"], each: [() => evaluatedByB] }'
 */
export function evaluationExpression(
  schema: unknown,
  context: ZodEmitContext,
  subschema: Subschema,
  own: boolean,
): string | undefined {
  if (schema === null || typeof schema !== "object") return undefined;
  const object = schema as SchemaObject;
  const inner = (child: unknown): string | undefined => evaluationExpression(child, context, subschema, true);
  const fields: string[] = [];
  const properties = Object.keys(record(object.properties));
  if (properties.length > 0) fields.push(`properties: ${literal(properties)}`);
  const patterns = Object.keys(record(object.patternProperties));
  if (patterns.length > 0) fields.push(`patterns: ${listText("[", patterns.map(patternLiteral), "]")}`);
  if (object.additionalProperties !== undefined || (own && object.unevaluatedProperties !== undefined))
    fields.push("allProperties: true");
  if (Array.isArray(object.prefixItems) && object.prefixItems.length > 0)
    fields.push(`prefixItems: ${object.prefixItems.length}`);
  if (object.items !== undefined || (own && object.unevaluatedItems !== undefined))
    fields.push("allItems: true");
  if (object.contains !== undefined) fields.push(`contains: ${subschema(object.contains)}`);

  const each: string[] = [];
  if (object.$ref !== undefined) each.push(context.evaluation(refName(object.$ref)));
  for (const branch of Array.isArray(object.allOf) ? object.allOf : []) {
    const evaluation = inner(branch);
    if (evaluation !== undefined) each.push(evaluation);
  }
  if (each.length > 0) fields.push(`each: ${listText("[", each, "]")}`);

  const when: string[] = [];
  for (const branch of [
    ...(Array.isArray(object.anyOf) ? object.anyOf : []),
    ...(Array.isArray(object.oneOf) ? object.oneOf : []),
  ]) {
    const evaluation = inner(branch);
    if (evaluation !== undefined) when.push(`[${subschema(branch)}, ${evaluation}]`);
  }
  if (when.length > 0) fields.push(`when: ${listText("[", when, "]")}`);

  if (object.if !== undefined) {
    const condition = inner(object.if);
    const then = object.then === undefined ? undefined : inner(object.then);
    const otherwise = object.else === undefined ? undefined : inner(object.else);
    const passed =
      condition !== undefined && then !== undefined
        ? `{ each: [${condition}, ${then}] }`
        : (condition ?? then);
    if (passed !== undefined || otherwise !== undefined) {
      fields.push(
        `conditional: [${subschema(object.if)}, ${passed ?? "undefined"}, ${otherwise ?? "undefined"}]`,
      );
    }
  }
  const dependent = Object.entries(record(object.dependentSchemas)).flatMap(([key, value]) => {
    const evaluation = inner(value);
    return evaluation === undefined ? [] : [`${propertyKey(key)}: ${evaluation}`];
  });
  if (dependent.length > 0) fields.push(`dependentSchemas: ${listText("{ ", dependent, " }")}`);
  return fields.length === 0 ? undefined : listText("{ ", fields, " }");
}

/**
 * `unevaluated(<expression>, <evaluation>, <properties>, <items>)` when the schema has an
 * `unevaluatedProperties` or `unevaluatedItems` that can reject something; otherwise the expression unchanged.
 */
export function withUnevaluated(
  expression: string,
  schema: SchemaObject,
  context: ZodEmitContext,
  subschema: Subschema,
): string {
  const rest = (value: unknown): string =>
    value === undefined || value === true ? "undefined" : subschema(value);
  const properties = rest(schema.unevaluatedProperties);
  const items = rest(schema.unevaluatedItems);
  if (properties === "undefined" && items === "undefined") return expression;
  context.use("unevaluated");
  const evaluation = evaluationExpression(schema, context, subschema, false) ?? "{}";
  return `unevaluated(${listText("", [expression, evaluation, properties, items], "")})`;
}
