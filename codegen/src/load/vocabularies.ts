/** The JSON Schema 2020-12 vocabularies, by URI, and the keywords each defines. */

const VOCAB = "https://json-schema.org/draft/2020-12/vocab/";

/** `https://json-schema.org/draft/2020-12/vocab/core`: `$id`, `$ref`, `$defs`, …; always in effect. */
export const CORE_VOCABULARY = `${VOCAB}core`;
/** The vocabulary that makes `format` an annotation (the 2020-12 meta-schema's). */
export const FORMAT_ANNOTATION_VOCABULARY = `${VOCAB}format-annotation`;
/** The vocabulary that makes `format` an assertion, declared by a custom metaschema. */
export const FORMAT_ASSERTION_VOCABULARY = `${VOCAB}format-assertion`;

/** Each 2020-12 vocabulary Postbus implements → the keywords it defines. */
export const VOCABULARY_KEYWORDS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    CORE_VOCABULARY,
    [
      "$id",
      "$schema",
      "$ref",
      "$anchor",
      "$dynamicRef",
      "$dynamicAnchor",
      "$vocabulary",
      "$comment",
      "$defs",
    ],
  ],
  [
    `${VOCAB}applicator`,
    [
      "prefixItems",
      "items",
      "contains",
      "additionalProperties",
      "properties",
      "patternProperties",
      "dependentSchemas",
      "propertyNames",
      "if",
      "then",
      "else",
      "allOf",
      "anyOf",
      "oneOf",
      "not",
    ],
  ],
  [`${VOCAB}unevaluated`, ["unevaluatedItems", "unevaluatedProperties"]],
  [
    `${VOCAB}validation`,
    [
      "type",
      "const",
      "enum",
      "multipleOf",
      "maximum",
      "exclusiveMaximum",
      "minimum",
      "exclusiveMinimum",
      "maxLength",
      "minLength",
      "pattern",
      "maxItems",
      "minItems",
      "uniqueItems",
      "maxContains",
      "minContains",
      "maxProperties",
      "minProperties",
      "required",
      "dependentRequired",
    ],
  ],
  [
    `${VOCAB}meta-data`,
    ["title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples"],
  ],
  [FORMAT_ANNOTATION_VOCABULARY, ["format"]],
  [FORMAT_ASSERTION_VOCABULARY, ["format"]],
  [`${VOCAB}content`, ["contentEncoding", "contentMediaType", "contentSchema"]],
]);

/** The vocabularies of the 2020-12 meta-schema itself: what a schema without a custom metaschema uses. */
export const STANDARD_VOCABULARIES: ReadonlySet<string> = new Set(
  [...VOCABULARY_KEYWORDS.keys()].filter((uri) => uri !== FORMAT_ASSERTION_VOCABULARY),
);

const BY_KEYWORD: ReadonlyMap<string, string> = new Map(
  [...VOCABULARY_KEYWORDS].flatMap(([uri, keywords]) =>
    uri === FORMAT_ASSERTION_VOCABULARY ? [] : keywords.map((keyword) => [keyword, uri] as const),
  ),
);

/**
 * The 2020-12 vocabulary defining `keyword` (`format`: format-annotation, which format-assertion
 * replaces); `undefined` for a keyword of no vocabulary, such as draft-07's `definitions` and
 * `dependencies` or OpenAPI's `nullable`, which Postbus also reads in 2020-12.
 *
 * @example
 * ```ts
 * vocabularyOf("minimum"); // "https://json-schema.org/draft/2020-12/vocab/validation"
 * ```
 */
export function vocabularyOf(keyword: string): string | undefined {
  return BY_KEYWORD.get(keyword);
}

/** `validation` for `https://json-schema.org/draft/2020-12/vocab/validation`: a vocabulary's short name for messages. */
export function vocabularyName(uri: string): string {
  return uri.startsWith(VOCAB) ? uri.slice(VOCAB.length) : uri;
}
