import { isObject } from "./json-pointer.js";

/** The JSON Schema dialects Postbus reads. */
export type Dialect = "2020-12" | "draft-07";

const DIALECTS: ReadonlyMap<string, Dialect> = new Map([
  ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ["http://json-schema.org/draft-07/schema", "draft-07"],
]);

/**
 * The dialect a schema declares with `$schema` (2020-12 when it declares none);
 * `undefined` for any other dialect.
 *
 * @example
 * ```ts
 * detectDialect({ $schema: "http://json-schema.org/draft-07/schema#" }); // "draft-07"
 * detectDialect({ type: "object" }); // "2020-12"
 * ```
 */
export function detectDialect(root: unknown): Dialect | undefined {
  const declared = isObject(root) ? root.$schema : undefined;
  if (declared === undefined) return "2020-12";
  if (typeof declared !== "string") return undefined;
  const normalized = declared.replace(/#$/, "");
  return (
    DIALECTS.get(normalized) ??
    DIALECTS.get(normalized.replace(/^https:/, "http:")) ??
    DIALECTS.get(normalized.replace(/^http:/, "https:"))
  );
}
