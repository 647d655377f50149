import { EVALUATION_HELPERS } from "./evaluation-helpers.js";
import { STRING_FORMATS } from "./format-checks.js";

/**
 * Small functions a generated module defines for itself (the types package depends on zod only).
 * Each is emitted once, only when some schema needs it, in a fixed order. Their semantics follow
 * JSON Schema 2020-12 as ajv implements it, which is what the differential tests hold them to.
 */

/** ajv's `multipleOfPrecision` that the generated `multipleOf` check mirrors: |round(x/m) − x/m| ≤ 1e-9. */
export const MULTIPLE_OF_PRECISION = 9;

const HELPERS: Readonly<Record<string, { readonly source: string; readonly uses?: readonly string[] }>> = {
  jsonEqual: {
    source: `/** JSON Schema equality: same type, numbers by value, arrays item by item, objects key by key in any order. */
const jsonEqual = (left: unknown, right: unknown): boolean => {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => jsonEqual(item, right[index]))
    );
  }
  const leftKeys = Object.keys(left);
  const rightRecord = right as Record<string, unknown>;
  return (
    leftKeys.length === Object.keys(right).length &&
    leftKeys.every((key) => Object.hasOwn(right, key) && jsonEqual((left as Record<string, unknown>)[key], rightRecord[key]))
  );
};`,
  },
  codePointLength: {
    source: `/** String length in Unicode code points, as JSON Schema counts it (an emoji is one character). */
const codePointLength = (value: string): number => {
  let length = 0;
  for (const _ of value) length++;
  return length;
};`,
  },
  isMultipleOf: {
    source: `/**
 * \`multipleOf\` with ajv's tolerance for binary floating point (multipleOfPrecision ${MULTIPLE_OF_PRECISION}): 19.99 is a multiple
 * of 0.01. A quotient that overflows (1e308 / 0.123456789) is judged by the exact remainder instead.
 */
const isMultipleOf = (value: number, divisor: number): boolean => {
  const quotient = value / divisor;
  if (!Number.isFinite(quotient)) return value % divisor === 0;
  return !(Math.abs(Math.round(quotient) - quotient) > 1e-${MULTIPLE_OF_PRECISION});
};`,
  },
  hasUniqueItems: {
    uses: ["jsonEqual"],
    source: `/** \`uniqueItems\`: no two items are JSON-equal. */
const hasUniqueItems = (items: readonly unknown[]): boolean =>
  items.every((item, index) => items.findIndex((other) => jsonEqual(item, other)) === index);`,
  },
  addIssues: {
    source: `/** Copies the issues of a failed sub-schema onto the value being checked. */
const addIssues = (result: z.ZodSafeParseResult<unknown>, ctx: z.RefinementCtx): void => {
  if (result.success) return;
  for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
};`,
  },
  allOf: {
    uses: ["addIssues"],
    source: `type AllOutputs<T extends readonly z.ZodType[]> = T extends readonly [
  infer Head extends z.ZodType,
  ...infer Tail extends readonly z.ZodType[],
]
  ? z.output<Head> & AllOutputs<Tail>
  : unknown;

/**
 * JSON Schema \`allOf\`: every schema judges the whole value on its own. (Unlike \`z.intersection\`,
 * a key unknown to one strict branch fails even when another branch declares it.)
 */
const allOf = <const T extends readonly [z.ZodType, ...z.ZodType[]]>(schemas: T): z.ZodType<AllOutputs<T>> =>
  z.custom<AllOutputs<T>>().superRefine((value, ctx) => {
    for (const schema of schemas) addIssues(schema.safeParse(value), ctx);
  });`,
  },
  oneOf: {
    source: `/** JSON Schema \`oneOf\`: exactly one schema accepts the value (\`z.union\` would accept two). */
const oneOf = <const T extends readonly [z.ZodType, ...z.ZodType[]]>(schemas: T): z.ZodType<z.output<T[number]>> =>
  z.custom<z.output<T[number]>>().superRefine((value, ctx) => {
    const matches = schemas.filter((schema) => schema.safeParse(value).success).length;
    if (matches !== 1) {
      ctx.addIssue({ code: "custom", message: \`must match exactly one oneOf schema, matches \${matches}\` });
    }
  });`,
  },
  notMatching: {
    source: `/** JSON Schema \`not\`: a refinement that passes when the schema rejects the value. */
const notMatching =
  (schema: z.ZodType) =>
  (value: unknown): boolean =>
    !schema.safeParse(value).success;`,
  },
  ifThenElse: {
    source: `/** JSON Schema \`if\`/\`then\`/\`else\`: a missing branch accepts. */
const ifThenElse =
  (condition: z.ZodType, then: z.ZodType | undefined, otherwise: z.ZodType | undefined) =>
  (value: unknown): boolean => {
    const branch = condition.safeParse(value).success ? then : otherwise;
    return branch === undefined || branch.safeParse(value).success;
  };`,
  },
  containsCount: {
    source: `/** JSON Schema \`contains\` with \`minContains\`/\`maxContains\`: how many items the schema accepts. */
const containsCount =
  (schema: z.ZodType, min: number, max: number) =>
  (items: readonly unknown[]): boolean => {
    const count = items.filter((item) => schema.safeParse(item).success).length;
    return count >= min && count <= max;
  };`,
  },
  isPresent: {
    source: `/**
 * Whether an object has a key: its own, as JSON Schema means it. An inherited name such as \`constructor\`
 * or \`toString\` is not present in \`{}\`.
 */
const isPresent = (value: object, key: string): boolean => Object.hasOwn(value, key);`,
  },
  ownKeysOnly: {
    uses: ["addIssues"],
    source: `/**
 * For objects declaring properties named like \`Object.prototype\`'s members (\`constructor\`, \`toString\`,
 * \`__proto__\`): \`schema\` judges a prototype-less copy, so only the object's own keys count; \`proto\`, when
 * \`__proto__\` is declared, checks that key (zod shapes skip it), \`true\` when it is required.
 */
const ownKeysOnly = <T extends z.ZodType>(
  schema: T,
  proto?: readonly [z.ZodType, boolean],
): z.ZodType<z.output<T>> =>
  z.custom<z.output<T>>().superRefine((value, ctx) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return addIssues(schema.safeParse(value), ctx);
    const copy: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    addIssues(schema.safeParse(copy), ctx);
    if (proto === undefined) return;
    if (Object.hasOwn(value, "__proto__")) addIssues(proto[0].safeParse(copy["__proto__"]), ctx);
    else if (proto[1]) ctx.addIssue({ code: "custom", message: "missing a required property", path: ["__proto__"] });
  });`,
  },
  hasKeys: {
    uses: ["isPresent"],
    source: `/** \`required\` keys that \`properties\` does not declare. */
const hasKeys =
  (keys: readonly string[]) =>
  (value: object): boolean =>
    keys.every((key) => isPresent(value, key));`,
  },
  propertyCount: {
    source: `/** \`minProperties\`/\`maxProperties\`. */
const propertyCount =
  (min: number, max: number) =>
  (value: object): boolean => {
    const count = Object.keys(value).length;
    return count >= min && count <= max;
  };`,
  },
  propertyNamesMatch: {
    source: `/** \`propertyNames\`: every key is accepted by the schema. */
const propertyNamesMatch =
  (schema: z.ZodType) =>
  (value: object): boolean =>
    Object.keys(value).every((key) => schema.safeParse(key).success);`,
  },
  dependentRequired: {
    uses: ["isPresent"],
    source: `/** \`dependentRequired\`: when a key is present, these keys are too. */
const dependentRequired =
  (dependencies: Readonly<Record<string, readonly string[]>>) =>
  (value: object): boolean =>
    Object.entries(dependencies).every(
      ([key, required]) => !isPresent(value, key) || required.every((other) => isPresent(value, other)),
    );`,
  },
  dependentSchemas: {
    uses: ["isPresent"],
    source: `/** \`dependentSchemas\`: when a key is present, the whole object matches the schema. */
const dependentSchemas =
  (dependencies: Readonly<Record<string, z.ZodType>>) =>
  (value: object): boolean =>
    Object.entries(dependencies).every(([key, schema]) => !isPresent(value, key) || schema.safeParse(value).success);`,
  },
  whenJsonType: {
    uses: ["addIssues"],
    source: `/** For a schema without \`type\`: checks values of one JSON type against that type's keywords; others pass. */
const whenJsonType =
  (type: "object" | "array" | "string" | "number", schema: z.ZodType) =>
  (value: unknown, ctx: z.RefinementCtx): void => {
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    if (actual === type) addIssues(schema.safeParse(value), ctx);
  };`,
  },
  patternProperties: {
    uses: ["addIssues"],
    source: `/**
 * \`patternProperties\` with \`additionalProperties\`: a key matching a pattern is checked by that pattern's
 * schema and is not additional; keys neither declared nor matched are checked by \`additional\`
 * (\`false\` rejects them, \`undefined\` accepts them).
 */
const patternProperties =
  (
    patterns: readonly (readonly [RegExp, z.ZodType])[],
    declared: readonly string[],
    additional: z.ZodType | false | undefined,
  ) =>
  (value: object, ctx: z.RefinementCtx): void => {
    for (const [key, item] of Object.entries(value)) {
      const matching = patterns.filter(([pattern]) => pattern.test(key));
      for (const [, schema] of matching) addIssues(schema.safeParse(item), ctx);
      if (matching.length > 0 || declared.includes(key) || additional === undefined) continue;
      if (additional === false) ctx.addIssue({ code: "custom", message: \`unexpected property \${key}\`, path: [key] });
      else addIssues(additional.safeParse(item), ctx);
    }
  };`,
  },
  ...EVALUATION_HELPERS,
};

/** Every helper name a schema expression may ask for: the fixed helpers and the format checks. */
export type HelperName = string;

const helperSource = (name: HelperName): { readonly source: string; readonly uses: readonly string[] } => {
  const helper = HELPERS[name];
  if (helper) return { source: helper.source, uses: helper.uses ?? [] };
  const format = Object.values(STRING_FORMATS).find((check) => check?.name === name);
  if (format) return { source: format.source, uses: format.uses };
  throw new Error(`unknown zod emitter helper: ${name}`);
};

/** The sources of the used helpers and everything they call, in a fixed order (dependencies first). */
export function helperSources(used: ReadonlySet<HelperName>): string[] {
  const order = [
    ...Object.keys(HELPERS),
    ...Object.values(STRING_FORMATS).flatMap((c) => (c ? [c.name] : [])),
  ];
  const needed = new Set<HelperName>();
  const visit = (name: HelperName): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const dependency of helperSource(name).uses) visit(dependency);
  };
  for (const name of used) visit(name);
  return order.filter((name) => needed.has(name)).map((name) => helperSource(name).source);
}
