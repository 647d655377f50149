import type { FormatModes } from "../config/config.js";
import { type DiagnosticCode, diagnostic, infoDiagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import type { Dialect } from "../load/detect-dialect.js";
import { appendPointer, isObject, valueAt } from "../load/json-pointer.js";
import type { SchemaFile } from "../load/load-schemas.js";
import { DEFAULT_FORMAT_MODES, keywordIgnoredBecause } from "./keyword-effect.js";
import {
  ANNOTATIONS,
  isSupportedKeyword,
  KEYWORDS,
  SUPPORTED_FORMATS,
  UNSUPPORTED_ASSERTIONS,
} from "./keywords.js";
import { didYouMean, suggestName } from "./suggest-name.js";

/** A `$ref` found in a file: the schema holding it, the reference, and the base URI it resolves against. */
export interface RefSite {
  readonly pointer: string;
  readonly ref: string;
  readonly base: string;
}

/** A schema resource or anchor a file declares: `$id` (resolved) or `<base>#<$anchor>`. */
export interface Resource {
  readonly uri: string;
  readonly pointer: string;
  /** Declared by `$dynamicAnchor` (also a plain anchor for `$ref`): a `$dynamicRef` may land here instead. */
  readonly dynamic?: true;
}

/** What walking one file's schemas found; depends only on the file, so it is cached with it. */
export interface FileScan {
  readonly diagnostics: readonly Diagnostic[];
  readonly refs: readonly RefSite[];
  /** `$dynamicRef`s (2020-12), resolved first as a `$ref` would be. */
  readonly dynamicRefs: readonly RefSite[];
  readonly resources: readonly Resource[];
  /** Pointers of every (sub)schema in the file: what a `$ref` may point at. */
  readonly schemaPointers: ReadonlySet<string>;
}

const HINTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    dependentSchemas: 'Use "dependencies" in draft-07 (dependentSchemas is 2020-12)',
    dependentRequired: 'Use "dependencies" in draft-07 (dependentRequired is 2020-12)',
  }),
);

/** How keywords no dialect defines are treated, and `format` (the config's `unknownKeywords`, `annotations` and `format`). */
export interface ScanOptions {
  readonly unknownKeywords: "annotation" | "error";
  /** Vendor annotations: ignored without a diagnostic (so are the keywords of this list a file's vocabularies leave out). */
  readonly annotations: readonly string[];
  /** Whether a 2020-12 `format` is checked. */
  readonly format: FormatModes;
}

/** The defaults: unknown keywords and formats are annotations (as the specification says); a 2020-12 `format` is checked. */
export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  unknownKeywords: "annotation",
  annotations: [],
  format: DEFAULT_FORMAT_MODES,
};

const scans = new WeakMap<SchemaFile, Map<string, FileScan>>();

/**
 * Walks every schema in a file: flags the dialect's assertions Postbus does not implement (never
 * dropping a constraint silently), values of the wrong shape; reports keywords and formats no dialect
 * defines as ignored annotations (info) or, with `unknownKeywords: "error"`, as errors; keywords the
 * file's vocabularies leave out (and a 2020-12 `format` the config makes an annotation) as ignored (info);
 * collects `$ref`s with their base URI, `$id` resources and anchors. Memoized per
 * (immutable) {@link SchemaFile} and options, so unchanged files are walked once in watch mode.
 */
export function scanSchemaFile(file: SchemaFile, options: ScanOptions = DEFAULT_SCAN_OPTIONS): FileScan {
  const key = JSON.stringify([options.unknownKeywords, options.annotations, options.format]);
  const byOptions = scans.get(file) ?? new Map<string, FileScan>();
  scans.set(file, byOptions);
  const cached = byOptions.get(key);
  if (cached !== undefined) return cached;
  const scan = walkFile(file, options);
  byOptions.set(key, scan);
  return scan;
}

function walkFile(file: SchemaFile, options: ScanOptions): FileScan {
  const diagnostics: Diagnostic[] = [];
  const refs: RefSite[] = [];
  const dynamicRefs: RefSite[] = [];
  const resources: Resource[] = [{ uri: file.uri, pointer: "" }];
  const schemaPointers = new Set<string>();
  const dialect: Dialect = file.dialect ?? "2020-12";
  const report = (code: DiagnosticCode, pointer: string, message: string, hint: string) => {
    const { line, column } = file.parsed.locate(pointer);
    diagnostics.push(diagnostic(code, message, hint, { file: file.file, pointer, line, column }));
  };
  const annotations = new Set(options.annotations);
  /** A keyword or format no dialect defines: an annotation (info), or an error when the config says so. */
  const reportUnknown = (pointer: string, message: string, hint: string) => {
    if (options.unknownKeywords === "error") {
      report(
        "POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD",
        pointer,
        message,
        `${hint}; or list it in "annotations" of postbus.config.json`,
      );
      return;
    }
    const { line, column } = file.parsed.locate(pointer);
    diagnostics.push(
      infoDiagnostic(
        "POSTBUS_SCHEMA_IGNORED_KEYWORD",
        `${message}: ignored as an annotation`,
        `${hint}; list it in "annotations" of postbus.config.json to silence this, or set "unknownKeywords": "error"`,
        { file: file.file, pointer, line, column },
      ),
    );
  };

  /** A keyword the file's vocabularies (or the config's `format`) make an annotation: always an info note. */
  const reportIgnored = (pointer: string, reason: string, keyword: string) => {
    const { line, column } = file.parsed.locate(pointer);
    const hint =
      keyword === "format"
        ? 'To check it, set "format": { "2020-12": "assertion" } in postbus.config.json or declare the format-assertion vocabulary in a metaschema; list "format" in "annotations" to silence this'
        : `Declare the vocabulary in the metaschema's $vocabulary to apply it; list "${keyword}" in "annotations" to silence this`;
    diagnostics.push(
      infoDiagnostic("POSTBUS_SCHEMA_IGNORED_KEYWORD", `${reason}: not checked`, hint, {
        file: file.file,
        pointer,
        line,
        column,
      }),
    );
  };

  const walk = (node: unknown, pointer: string, parentBase: string): void => {
    if (typeof node === "boolean") {
      schemaPointers.add(pointer);
      return;
    }
    if (!isObject(node)) {
      report(
        "POSTBUS_SCHEMA_BAD_KEYWORD",
        pointer,
        "A schema must be an object or a boolean",
        "Wrap it in {}",
      );
      return;
    }
    schemaPointers.add(pointer);
    const hasRef = typeof node.$ref === "string";
    // In draft-07 every keyword beside "$ref" is ignored, "$id" included: it changes no base.
    const base = dialect === "draft-07" && hasRef ? parentBase : declareResources(node, pointer, parentBase);
    if (hasRef) refs.push({ pointer, ref: node.$ref as string, base });
    if (dialect === "2020-12" && typeof node.$dynamicRef === "string")
      dynamicRefs.push({ pointer, ref: node.$dynamicRef, base });
    for (const [keyword, value] of Object.entries(node)) {
      const at = appendPointer(pointer, keyword);
      if (keyword === "x-postbus") {
        if (pointer !== "" || file.role === "definitions") {
          report(
            "POSTBUS_SCHEMA_UNKNOWN_KEY",
            at,
            "x-postbus is only read at the root of an event file",
            file.role === "definitions"
              ? "This file matches a definitions glob of postbus.config.json; move the block or the file"
              : "Move it to the top of the file",
          );
        }
        continue;
      }
      if (pointer === "" && keyword !== "x-postbus" && suggestName(keyword, ["x-postbus"]) !== undefined) {
        report(
          "POSTBUS_SCHEMA_UNKNOWN_KEY",
          at,
          `Unknown key "${keyword}"`,
          'Did you mean "x-postbus"? The event facts are read from that block only',
        );
        continue;
      }
      if (keyword.startsWith("x-")) continue; // vendor annotations: kept, never constraints
      const spec = KEYWORDS.get(keyword);
      if (spec === undefined || !isSupportedKeyword(keyword, dialect)) {
        if (UNSUPPORTED_ASSERTIONS[dialect].has(keyword)) {
          report(
            "POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD",
            at,
            `The keyword "${keyword}" is not supported`,
            HINTS.get(keyword) ??
              "Remove it or express it with supported keywords; Postbus never drops a constraint silently",
          );
        } else if (!annotations.has(keyword)) {
          reportUnknown(
            at,
            `"${keyword}" is not a ${dialect} keyword`,
            HINTS.get(keyword) ?? `${didYouMean(keyword, KEYWORDS.keys())}It constrains nothing`,
          );
        }
        continue;
      }
      const ignoredBecause = keywordIgnoredBecause(keyword, file, options.format);
      if (ignoredBecause !== undefined) {
        if (!annotations.has(keyword)) reportIgnored(at, ignoredBecause, keyword);
        continue;
      }
      if (dialect === "draft-07" && hasRef && keyword !== "$ref" && !ANNOTATIONS.has(keyword)) {
        reportUnknown(
          at,
          `"${keyword}" next to "$ref" is ignored by draft-07`,
          'To apply it, wrap them: { "allOf": [{ "$ref": … }, { … }] }',
        );
        continue;
      }
      const problem = spec.check?.(value, dialect);
      if (problem !== undefined) {
        report("POSTBUS_SCHEMA_BAD_KEYWORD", at, `"${keyword}" ${problem}`, "See the JSON Schema reference");
        continue;
      }
      walkKeyword(keyword, spec.kind, value, at, base);
    }
    checkFormat(node, pointer);
    checkExclusiveBounds(node, pointer);
  };

  const walkKeyword = (keyword: string, kind: string, value: unknown, at: string, base: string): void => {
    if (kind === "schema") walk(value, at, base);
    else if (kind === "schemaMap" && isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (keyword === "patternProperties" && checkRegExp(key) !== undefined) {
          report(
            "POSTBUS_SCHEMA_BAD_KEYWORD",
            appendPointer(at, key),
            `The pattern ${JSON.stringify(key)} is not a valid regular expression`,
            "Fix the pattern",
          );
        }
        walk(child, appendPointer(at, key), base);
      }
    } else if (kind === "dependencies" && isObject(value)) {
      for (const [key, child] of Object.entries(value))
        if (!Array.isArray(child)) walk(child, appendPointer(at, key), base);
    } else if (kind === "schemaArray" && Array.isArray(value)) {
      for (const [index, child] of value.entries()) walk(child, appendPointer(at, index), base);
    } else if (kind === "items") {
      if (!Array.isArray(value)) walk(value, at, base);
      else if (dialect === "draft-07")
        for (const [index, child] of value.entries()) walk(child, appendPointer(at, index), base);
      else {
        report(
          "POSTBUS_SCHEMA_BAD_KEYWORD",
          at,
          '"items" must be a schema in 2020-12',
          "Use prefixItems for tuples (or declare draft-07 in $schema)",
        );
      }
    }
  };

  const declareResources = (node: Record<string, unknown>, pointer: string, parentBase: string): string => {
    let base = parentBase;
    if (typeof node.$id === "string" && !(pointer === "" && node.$id === "")) {
      try {
        // A root $id resolves against the file's id base: its URL, or the root of the base-less id space.
        const url = new URL(node.$id, pointer === "" ? file.idBase : parentBase);
        const fragment = url.hash;
        url.hash = "";
        if (fragment.length > 1 && node.$id.startsWith("#")) {
          resources.push({ uri: `${parentBase}${fragment}`, pointer }); // draft-07 anchor-style $id
        } else {
          base = url.href;
          resources.push({ uri: base, pointer });
        }
      } catch {
        report(
          "POSTBUS_SCHEMA_BAD_KEYWORD",
          appendPointer(pointer, "$id"),
          `"$id" ${JSON.stringify(node.$id)} is not a valid URI`,
          "Use an absolute URI such as https://example.com/schemas/money.json",
        );
      }
    }
    if (typeof node.$anchor === "string") resources.push({ uri: `${base}#${node.$anchor}`, pointer });
    if (dialect === "2020-12" && typeof node.$dynamicAnchor === "string")
      resources.push({ uri: `${base}#${node.$dynamicAnchor}`, pointer, dynamic: true });
    return base;
  };

  const checkFormat = (node: Record<string, unknown>, pointer: string): void => {
    if (
      typeof node.format === "string" &&
      !SUPPORTED_FORMATS.includes(node.format) &&
      keywordIgnoredBecause("format", file, options.format) === undefined
    ) {
      reportUnknown(
        appendPointer(pointer, "format"),
        `The format "${node.format}" is not one Postbus checks`,
        `${didYouMean(node.format, SUPPORTED_FORMATS)}Checked formats (ajv-formats' full set): ${SUPPORTED_FORMATS.join(", ")}; use "pattern" to check others`,
      );
    }
  };

  const checkExclusiveBounds = (node: Record<string, unknown>, pointer: string): void => {
    for (const [exclusive, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (node[exclusive] === true && typeof node[bound] !== "number") {
        report(
          "POSTBUS_SCHEMA_BAD_KEYWORD",
          appendPointer(pointer, exclusive),
          `"${exclusive}": true needs a numeric "${bound}" next to it`,
          `Write "${exclusive}": <number> instead`,
        );
      }
    }
  };

  if (file.parsed.value !== undefined) {
    if (file.dialect === undefined) {
      report(
        "POSTBUS_SCHEMA_BAD_DIALECT",
        "/$schema",
        `The dialect ${JSON.stringify((file.parsed.value as Record<string, unknown>).$schema)} is not supported`,
        'Use "https://json-schema.org/draft/2020-12/schema" or "http://json-schema.org/draft-07/schema#", or the $id of a metaschema among the schema files (it declares its $vocabulary)',
      );
    } else {
      walk(file.parsed.value, "", file.uri);
      walkReferencedData(file, refs, schemaPointers, walk);
    }
  }
  return { diagnostics, refs, dynamicRefs, resources, schemaPointers };
}

/**
 * A local `$ref` (`#/…`) may point into a value that is no schema by its keyword: an annotation's or an
 * unknown keyword's (`#/examples/0`, `#/x-shapes/point`). The specification lets it be used as a schema
 * when it is one (an object or a boolean), so such targets are walked as schemas too, with the file's base.
 */
function walkReferencedData(
  file: SchemaFile,
  refs: readonly RefSite[],
  schemaPointers: ReadonlySet<string>,
  walk: (node: unknown, pointer: string, base: string) => void,
): void {
  for (let index = 0; index < refs.length; index++) {
    const site = refs[index] as RefSite;
    if (!site.ref.startsWith("#/") || site.base !== file.uri) continue;
    let pointer: string;
    try {
      pointer = decodeURIComponent(site.ref.slice(1));
    } catch {
      continue;
    }
    if (schemaPointers.has(pointer)) continue;
    const value = valueAt(file.parsed.value, pointer);
    if (typeof value === "boolean" || isObject(value)) walk(value, pointer, file.uri); // may add refs
  }
}

function checkRegExp(source: string): string | undefined {
  try {
    new RegExp(source, "u");
    return undefined;
  } catch {
    return "invalid";
  }
}
