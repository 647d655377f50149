import { literal, patternLiteral } from "./code-text.js";
import { NUMBER_FORMATS, STRING_FORMATS } from "./format-checks.js";
import type { SchemaObject } from "./keywords.js";
import type { ZodEmitContext } from "./zod-context.js";

const message = (text: string): string => `{ message: ${literal(text)} }`;

/** A string with `minLength`/`maxLength` in code points, `pattern` (unanchored, `u` flag) and `format`. */
export function stringExpression(schema: SchemaObject, context: ZodEmitContext): string {
  let expression = "z.string()";
  if (typeof schema.pattern === "string") expression += `.regex(${patternLiteral(schema.pattern)})`;
  if (typeof schema.minLength === "number") {
    context.use("codePointLength");
    const text = `must be at least ${schema.minLength} characters long`;
    expression += `.refine((value) => codePointLength(value) >= ${schema.minLength}, ${message(text)})`;
  }
  if (typeof schema.maxLength === "number") {
    context.use("codePointLength");
    const text = `must be at most ${schema.maxLength} characters long`;
    expression += `.refine((value) => codePointLength(value) <= ${schema.maxLength}, ${message(text)})`;
  }
  const format = typeof schema.format === "string" ? STRING_FORMATS[schema.format] : undefined;
  if (format) {
    context.use(format.name);
    expression += `.refine(${format.name}, ${message(`must be a valid ${String(schema.format)}`)})`;
  }
  return expression;
}

/**
 * A number: `integer` is any whole number (1.0 included, no safe-integer limit, unlike `z.int()`);
 * bounds via `gte`/`lte`/`gt`/`lt`; `multipleOf` with ajv's floating-point tolerance.
 */
export function numberExpression(schema: SchemaObject, integer: boolean, context: ZodEmitContext): string {
  let expression = "z.number()";
  if (integer) expression += `.refine(Number.isInteger, ${message("must be an integer")})`;
  if (typeof schema.minimum === "number") expression += `.gte(${literal(schema.minimum)})`;
  if (typeof schema.exclusiveMinimum === "number") expression += `.gt(${literal(schema.exclusiveMinimum)})`;
  if (typeof schema.maximum === "number") expression += `.lte(${literal(schema.maximum)})`;
  if (typeof schema.exclusiveMaximum === "number") expression += `.lt(${literal(schema.exclusiveMaximum)})`;
  if (typeof schema.multipleOf === "number") {
    context.use("isMultipleOf");
    const text = `must be a multiple of ${schema.multipleOf}`;
    expression += `.refine((value) => isMultipleOf(value, ${literal(schema.multipleOf)}), ${message(text)})`;
  }
  const format = typeof schema.format === "string" ? NUMBER_FORMATS[schema.format] : undefined;
  if (format) expression += `.refine(${format}, ${message(`must be a valid ${String(schema.format)}`)})`;
  return expression;
}
