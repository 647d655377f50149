import type { NormalizedSchema } from "../../ir/model.js";
import { arrayExpression } from "./array-expression.js";
import { listText } from "./code-text.js";
import { enumExpression } from "./enum-expression.js";
import { withUnevaluated } from "./evaluation-expression.js";
import {
  ALL_FAMILIES,
  assertSupported,
  declaredTypes,
  hasDeclaredType,
  hasFamilyKeywords,
  type SchemaObject,
  type TypeFamily,
} from "./keywords.js";
import { objectExpression } from "./object-expression.js";
import { numberExpression, stringExpression } from "./scalar-expressions.js";
import { refName, type ZodEmitContext } from "./zod-context.js";

/**
 * The zod expression for one normalized schema, accepting exactly the JSON values the schema accepts.
 *
 * A schema is a conjunction of parts, each judged on its own: the `type` part (with the keywords of each
 * type; without `type`, each type's keywords check only values of that type), `enum`/`const`, `$ref`,
 * each `allOf` branch, `anyOf` (`z.union`), `oneOf` (exactly one). Several parts combine with the
 * `allOf` helper; `not` and `if`/`then`/`else` are refinements; `unevaluatedProperties`/`unevaluatedItems`
 * wrap the whole (they see what every in-place subschema evaluated). `default` is an annotation and is not applied.
 *
 * @example
 * zodExpression({ type: ["string", "null"], minLength: 1 }, context)
 * // → 'z.union([z.string().refine((value) => codePointLength(value) >= 1, …), z.null()])'
 */
export function zodExpression(schema: NormalizedSchema, context: ZodEmitContext): string {
  if (schema === true) return "z.unknown()";
  if (schema === false) return "z.never()";
  assertSupported(schema);
  const subschema = (child: unknown): string => zodExpression(child as NormalizedSchema, context);

  const parts: string[] = [];
  const types = declaredTypes(schema);
  const typed = typePart(schema, types, context, subschema);
  if (Object.hasOwn(schema, "enum") || Object.hasOwn(schema, "const")) {
    const values = enumValues(schema).filter((value) => types === undefined || hasDeclaredType(value, types));
    if (typed !== undefined && !typed.bare) parts.push(typed.expression);
    parts.push(enumExpression(values, context));
  } else if (typed !== undefined) {
    parts.push(typed.expression);
  }
  if (schema.$ref !== undefined) parts.push(context.reference(refName(schema.$ref)));
  if (Array.isArray(schema.allOf)) parts.push(...schema.allOf.map(subschema));
  if (Array.isArray(schema.anyOf)) parts.push(combine("z.union", schema.anyOf.map(subschema)));
  if (Array.isArray(schema.oneOf)) {
    if (schema.oneOf.length > 1) context.use("oneOf");
    parts.push(combine("oneOf", schema.oneOf.map(subschema)));
  }

  if (parts.length > 1) context.use("allOf");
  let expression = parts.length === 0 ? "z.unknown()" : combine("allOf", parts);
  if (schema.not !== undefined) {
    context.use("notMatching");
    expression += `.refine(notMatching(${subschema(schema.not)}), { message: "must not match the not schema" })`;
  }
  if (schema.if !== undefined && (schema.then !== undefined || schema.else !== undefined)) {
    context.use("ifThenElse");
    const branch = (value: unknown): string => (value === undefined ? "undefined" : subschema(value));
    const call = `ifThenElse(${subschema(schema.if)}, ${branch(schema.then)}, ${branch(schema.else)})`;
    expression += `.refine(${call}, { message: "must match the then/else schema" })`;
  }
  return withUnevaluated(expression, schema, context, subschema);
}

/** `f([a, b])`, or just `a` for one option; an empty `anyOf`/`oneOf` accepts nothing. */
function combine(call: string, options: readonly string[]): string {
  if (options.length === 0) return "z.never()";
  if (options.length === 1) return options[0] as string;
  return `${call}(${listText("[", options, "]")})`;
}

function enumValues(schema: SchemaObject): unknown[] {
  const values = Array.isArray(schema.enum) ? [...schema.enum] : undefined;
  if (!Object.hasOwn(schema, "const")) return values ?? [];
  const constant = JSON.stringify(schema.const);
  return values === undefined ? [schema.const] : values.filter((value) => JSON.stringify(value) === constant);
}

interface TypePart {
  readonly expression: string;
  /** No keyword besides `type` constrains it: an `enum` filtered by type replaces it. */
  readonly bare: boolean;
}

function typePart(
  schema: SchemaObject,
  types: readonly string[] | undefined,
  context: ZodEmitContext,
  subschema: (child: unknown) => string,
): TypePart | undefined {
  const keyworded = ALL_FAMILIES.filter((family) => hasFamilyKeywords(schema, family));
  if (types === undefined) {
    if (keyworded.length === 0) return undefined;
    // No `type`: each type's keywords apply to values of that type only; other values pass.
    context.use("whenJsonType");
    const checks = keyworded.map((family) => {
      const branch = familyExpression(family, schema, false, context, subschema);
      return `.superRefine(whenJsonType(${JSON.stringify(family)}, ${branch}))`;
    });
    return { expression: `z.unknown()${checks.join("")}`, bare: false };
  }
  const integer = types.includes("integer") && !types.includes("number");
  const families: TypeFamily[] = [];
  for (const type of types) {
    const family = (type === "integer" ? "number" : type) as TypeFamily;
    if (!families.includes(family)) families.push(family);
  }
  const branches = families.map((family) => familyExpression(family, schema, integer, context, subschema));
  const bare = !keyworded.some((family) => families.includes(family));
  return { expression: combine("z.union", branches), bare };
}

function familyExpression(
  family: TypeFamily,
  schema: SchemaObject,
  integer: boolean,
  context: ZodEmitContext,
  subschema: (child: unknown) => string,
): string {
  switch (family) {
    case "null":
      return "z.null()";
    case "boolean":
      return "z.boolean()";
    case "string":
      return stringExpression(schema, context);
    case "number":
      return numberExpression(schema, integer, context);
    case "array":
      return arrayExpression(schema, context, subschema);
    case "object":
      return objectExpression(schema, context, subschema);
    default:
      throw new Error(`zod emitter: unknown type ${JSON.stringify(family)}`);
  }
}
