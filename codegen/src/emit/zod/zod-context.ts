import type { HelperName } from "./runtime-helpers.js";

/** What {@link zodExpression} needs besides the schema: how to name a `$ref`, and where to record helpers. */
export interface ZodEmitContext {
  /** The expression for `{ "$ref": "#/$defs/<name>" }`, e.g. `MoneySchema` or `z.lazy(() => TreeSchema)`. */
  readonly reference: (name: string) => string;
  /** Records a helper function the expression calls; the module defines each used helper once. */
  readonly use: (helper: HelperName) => void;
  /**
   * A thunk of what the definition `name` evaluates (`() => evaluatedByMoney`, for `unevaluated*`);
   * the module defines each requested `evaluatedBy<Name>` once, after every schema.
   */
  readonly evaluation: (name: string) => string;
}

/**
 * A context whose references are `<Name>Schema`, lazy for the names in `lazy`, collecting helpers into `helpers`.
 *
 * @example
 * const context = createZodEmitContext({ lazy: new Set(["Tree"]) });
 * zodExpression({ type: "array", items: { $ref: "#/$defs/Tree" } }, context); // "z.array(z.lazy(() => TreeSchema))"
 */
export function createZodEmitContext(
  options: { readonly lazy?: ReadonlySet<string> } = {},
): ZodEmitContext & { readonly helpers: ReadonlySet<HelperName>; readonly evaluations: ReadonlySet<string> } {
  const helpers = new Set<HelperName>();
  const evaluations = new Set<string>();
  const lazy = options.lazy ?? new Set<string>();
  return {
    helpers,
    evaluations,
    reference: (name) => (lazy.has(name) ? `z.lazy(() => ${schemaConstName(name)})` : schemaConstName(name)),
    use: (helper) => {
      helpers.add(helper);
    },
    evaluation: (name) => {
      evaluations.add(name);
      return `() => ${evaluationConstName(name)}`;
    },
  };
}

/** The module-private const of what a definition evaluates: `Money` → `evaluatedByMoney`. */
export const evaluationConstName = (name: string): string => `evaluatedBy${name}`;

/** The exported const of a definition or event payload: `Money` → `MoneySchema`. */
export const schemaConstName = (name: string): string => `${name}Schema`;

const REF_PREFIX = "#/$defs/";

/** The definition name of a normalized `$ref` (`#/$defs/<Name>`). */
export function refName(ref: unknown): string {
  if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX)) {
    throw new Error(
      `zod emitter: $ref must be normalized to ${REF_PREFIX}<Name>, got ${JSON.stringify(ref)}`,
    );
  }
  return ref.slice(REF_PREFIX.length);
}
