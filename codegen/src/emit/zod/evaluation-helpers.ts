/**
 * The generated module's helpers for `unevaluatedProperties` and `unevaluatedItems`: which properties and
 * items a schema's in-place subschemas evaluated (JSON Schema 2020-12 annotations, collected only from
 * subschemas that accept the value), and the check of what is left. Sources of TypeScript, like
 * `runtime-helpers.ts`; a generated module defines them only when a schema uses an `unevaluated*` keyword.
 */
export const EVALUATION_HELPERS: Readonly<
  Record<string, { readonly source: string; readonly uses?: readonly string[] }>
> = {
  evaluate: {
    source: `/**
 * What a schema evaluates of an object or array at its own location (its annotations): the properties it
 * names or matches, the items it covers; \`each\` in-place subschema always (\`allOf\`, \`$ref\`), \`when\` one only
 * if its schema accepts the value (\`anyOf\`, \`oneOf\`), \`conditional\` by \`if\`, \`dependentSchemas\` when the key is present.
 */
interface Evaluation {
  readonly properties?: readonly string[];
  readonly patterns?: readonly RegExp[];
  readonly allProperties?: true;
  readonly prefixItems?: number;
  readonly allItems?: true;
  readonly contains?: z.ZodType;
  readonly each?: readonly (Evaluation | (() => Evaluation))[];
  readonly when?: readonly (readonly [z.ZodType, Evaluation])[];
  readonly conditional?: readonly [z.ZodType, Evaluation | undefined, Evaluation | undefined];
  readonly dependentSchemas?: Readonly<Record<string, Evaluation>>;
}

/** The properties and items evaluated so far. */
interface Evaluated {
  readonly keys: Set<string>;
  readonly indexes: Set<number>;
  allKeys: boolean;
  allItems: boolean;
}

/** Adds what \`evaluation\` evaluates of \`value\` to \`into\`. */
const evaluate = (evaluation: Evaluation | (() => Evaluation), value: unknown, into: Evaluated): void => {
  const own = typeof evaluation === "function" ? evaluation() : evaluation;
  if (Array.isArray(value)) {
    if (own.allItems) into.allItems = true;
    for (let index = 0; index < Math.min(own.prefixItems ?? 0, value.length); index++) into.indexes.add(index);
    const contains = own.contains;
    if (contains) value.forEach((item, index) => contains.safeParse(item).success && into.indexes.add(index));
  } else if (value !== null && typeof value === "object") {
    if (own.allProperties) into.allKeys = true;
    for (const key of Object.keys(value)) {
      if (own.properties?.includes(key) || own.patterns?.some((pattern) => pattern.test(key))) into.keys.add(key);
    }
    for (const [key, inner] of Object.entries(own.dependentSchemas ?? {})) {
      if (Object.hasOwn(value, key)) evaluate(inner, value, into);
    }
  }
  for (const inner of own.each ?? []) evaluate(inner, value, into);
  for (const [schema, inner] of own.when ?? []) if (schema.safeParse(value).success) evaluate(inner, value, into);
  if (own.conditional) {
    const [condition, then, otherwise] = own.conditional;
    const branch = condition.safeParse(value).success ? then : otherwise;
    if (branch) evaluate(branch, value, into);
  }
};`,
  },
  unevaluated: {
    uses: ["evaluate", "addIssues"],
    source: `/**
 * JSON Schema \`unevaluatedProperties\`/\`unevaluatedItems\`: once \`schema\` accepts the value, every property
 * (item) that \`evaluation\` did not evaluate must match \`properties\` (\`items\`); \`undefined\` checks nothing.
 */
const unevaluated = <T extends z.ZodType>(
  schema: T,
  evaluation: Evaluation,
  properties: z.ZodType | undefined,
  items: z.ZodType | undefined,
): z.ZodType<z.output<T>> =>
  z.custom<z.output<T>>().superRefine((value, ctx) => {
    const result = schema.safeParse(value);
    if (!result.success) return addIssues(result, ctx);
    const into: Evaluated = { keys: new Set(), indexes: new Set(), allKeys: false, allItems: false };
    evaluate(evaluation, value, into);
    const check = (rest: z.ZodType, item: unknown, key: string | number): void => {
      const checked = rest.safeParse(item);
      if (checked.success) return;
      for (const issue of checked.error.issues) {
        ctx.addIssue({ code: "custom", message: \`unevaluated: \${issue.message}\`, path: [key, ...issue.path] });
      }
    };
    if (items && Array.isArray(value) && !into.allItems) {
      value.forEach((item, index) => into.indexes.has(index) || check(items, item, index));
    } else if (properties && value !== null && typeof value === "object" && !Array.isArray(value) && !into.allKeys) {
      for (const [key, item] of Object.entries(value)) if (!into.keys.has(key)) check(properties, item, key);
    }
  });`,
  },
};
