import { listText, literal } from "./code-text.js";
import type { SchemaObject } from "./keywords.js";
import type { ZodEmitContext } from "./zod-context.js";

type Subschema = (schema: unknown) => string;

/**
 * An array: `prefixItems` as a tuple of optional elements (JSON Schema does not require them to be present)
 * with `items` as the rest; otherwise `z.array(items)`. `uniqueItems` and `contains` are refinements.
 */
export function arrayExpression(schema: SchemaObject, context: ZodEmitContext, subschema: Subschema): string {
  const { items, prefixItems, minItems, maxItems } = schema;
  let expression: string;
  if (Array.isArray(prefixItems) && prefixItems.length > 0) {
    const elements = prefixItems.map((item) => `${subschema(item)}.optional()`);
    const rest =
      items === false ? undefined : items === undefined || items === true ? "z.unknown()" : subschema(items);
    expression =
      rest === undefined
        ? `z.tuple(${listText("[", elements, "]")})`
        : `z.tuple(${listText("[", elements, "]")}, ${rest})`;
    if (typeof minItems === "number")
      expression += `.refine((items) => items.length >= ${minItems}, { message: "must have at least ${minItems} items" })`;
    if (typeof maxItems === "number")
      expression += `.refine((items) => items.length <= ${maxItems}, { message: "must have at most ${maxItems} items" })`;
  } else {
    expression = `z.array(${items === undefined ? "z.unknown()" : subschema(items)})`;
    if (typeof minItems === "number") expression += `.min(${minItems})`;
    if (typeof maxItems === "number") expression += `.max(${maxItems})`;
  }
  if (schema.uniqueItems === true) {
    context.use("hasUniqueItems");
    expression += `.refine(hasUniqueItems, { message: "must not contain duplicate items" })`;
  }
  if (schema.contains !== undefined) {
    context.use("containsCount");
    const min = typeof schema.minContains === "number" ? schema.minContains : 1;
    const max = typeof schema.maxContains === "number" ? literal(schema.maxContains) : "Infinity";
    expression += `.refine(containsCount(${subschema(schema.contains)}, ${min}, ${max}), { message: "must contain matching items" })`;
  }
  return expression;
}
