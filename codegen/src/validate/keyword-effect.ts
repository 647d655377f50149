import type { FormatModes } from "../config/config.js";
import type { SchemaFile } from "../load/load-schemas.js";
import {
  CORE_VOCABULARY,
  FORMAT_ANNOTATION_VOCABULARY,
  FORMAT_ASSERTION_VOCABULARY,
  STANDARD_VOCABULARIES,
  vocabularyName,
  vocabularyOf,
} from "../load/vocabularies.js";

/** The default of {@link FormatModes}: a 2020-12 `format` is checked, as ajv does. */
export const DEFAULT_FORMAT_MODES: FormatModes = { "2020-12": "assertion" };

/** What decides whether a keyword applies in a file: its dialect and vocabularies. */
export type KeywordScope = Pick<SchemaFile, "dialect" | "vocabularies" | "metaSchema">;

/**
 * Why a keyword the dialect defines is only an annotation in this file, or `undefined` when it applies.
 * In 2020-12: a keyword of a vocabulary the file's custom metaschema does not declare; `format` when
 * only the format-annotation vocabulary is in effect and `format["2020-12"]` is `"annotation"` (the
 * format-assertion vocabulary always asserts). draft-07 keywords, core keywords and those of no
 * vocabulary always apply.
 *
 * @example
 * ```ts
 * keywordIgnoredBecause("format", { dialect: "2020-12" }, { "2020-12": "annotation" });
 * // '"format" is an annotation in 2020-12 (the format-annotation vocabulary)'
 * ```
 */
export function keywordIgnoredBecause(
  keyword: string,
  scope: KeywordScope,
  format: FormatModes,
): string | undefined {
  if (scope.dialect !== "2020-12") return undefined;
  const vocabulary = vocabularyOf(keyword);
  if (vocabulary === undefined || vocabulary === CORE_VOCABULARY) return undefined;
  const inEffect = scope.vocabularies === undefined ? STANDARD_VOCABULARIES : new Set(scope.vocabularies);
  if (keyword === "format") {
    if (inEffect.has(FORMAT_ASSERTION_VOCABULARY)) return undefined;
    if (inEffect.has(FORMAT_ANNOTATION_VOCABULARY)) {
      return format["2020-12"] === "assertion"
        ? undefined
        : '"format" is an annotation in 2020-12 (the format-annotation vocabulary)';
    }
  }
  if (inEffect.has(vocabulary)) return undefined;
  return `"${keyword}" belongs to the ${vocabularyName(vocabulary)} vocabulary, which the metaschema ${scope.metaSchema ?? ""} does not declare`;
}
