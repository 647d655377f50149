import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { bundledSchemaFile } from "./bundled-schemas.js";
import { isObject } from "./json-pointer.js";
import type { SchemaFile } from "./load-schemas.js";
import { STANDARD_VOCABULARIES, VOCABULARY_KEYWORDS, vocabularyName } from "./vocabularies.js";

/** A file whose `$schema` names a custom metaschema, resolved: the same file with its dialect and vocabularies. */
const derived = new WeakMap<SchemaFile, { readonly key: string; readonly file: SchemaFile }>();

/**
 * Gives each file whose `$schema` is no dialect Postbus knows, but a custom metaschema among the loaded
 * files (by its root `$id` or its file URI) or the bundled ones, the dialect of that metaschema and, in
 * 2020-12, the vocabularies its `$vocabulary` declares (a metaschema without `$vocabulary` passes on its
 * own). A required vocabulary (`true`) Postbus does not implement is an error naming the file and the
 * vocabulary's URI; an optional one (`false`) is left out. A `$schema` that names no loaded schema keeps
 * the file's dialect unknown (`POSTBUS_SCHEMA_BAD_DIALECT` later). The same derived object every run
 * while the file and its metaschema are unchanged, so its scan stays cached.
 *
 * @example
 * ```ts
 * const { files, diagnostics } = resolveMetaSchemas(loaded);
 * ```
 */
export function resolveMetaSchemas(files: readonly SchemaFile[]): {
  files: SchemaFile[];
  diagnostics: Diagnostic[];
} {
  const byUri = new Map<string, SchemaFile>();
  for (const file of files) {
    byUri.set(withoutFragment(file.uri), file);
    const root = file.parsed.value;
    if (!isObject(root) || typeof root.$id !== "string") continue;
    try {
      byUri.set(withoutFragment(new URL(root.$id, file.idBase).href), file);
    } catch {
      // Not a URI: the scan reports it.
    }
  }
  const diagnostics: Diagnostic[] = [];
  const resolved = new Map<SchemaFile, SchemaFile>();
  const resolving = new Set<SchemaFile>();
  const resolve = (file: SchemaFile): SchemaFile => {
    const known = resolved.get(file);
    if (known !== undefined) return known;
    const root = file.parsed.value;
    if (
      file.dialect !== undefined ||
      !isObject(root) ||
      typeof root.$schema !== "string" ||
      resolving.has(file)
    )
      return file;
    resolving.add(file);
    const meta = metaschemaOf(root.$schema, file, byUri);
    const metaFile = meta === undefined ? undefined : resolve(meta);
    resolving.delete(file);
    const result =
      metaFile === undefined || metaFile.dialect === undefined
        ? file
        : withDialect(file, metaFile, root.$schema, diagnostics);
    resolved.set(file, result);
    return result;
  };
  return { files: files.map(resolve), diagnostics };
}

function metaschemaOf(
  declared: string,
  file: SchemaFile,
  byUri: ReadonlyMap<string, SchemaFile>,
): SchemaFile | undefined {
  let uri: string;
  try {
    uri = withoutFragment(new URL(declared, file.idBase).href);
  } catch {
    return undefined;
  }
  const meta = byUri.get(uri) ?? bundledSchemaFile(uri);
  return meta === file ? undefined : meta;
}

/** `file` read in the dialect `meta` (itself resolved) defines, with the vocabularies it declares. */
function withDialect(
  file: SchemaFile,
  meta: SchemaFile,
  declared: string,
  diagnostics: Diagnostic[],
): SchemaFile {
  const metaRoot = meta.parsed.value as Record<string, unknown>;
  let vocabularies: readonly string[] | undefined;
  if (meta.dialect === "2020-12") {
    if (isObject(metaRoot.$vocabulary)) {
      const listed = Object.entries(metaRoot.$vocabulary);
      for (const [uri, required] of listed) {
        if (required !== true || VOCABULARY_KEYWORDS.has(uri)) continue;
        const { line, column } = file.parsed.locate("/$schema");
        diagnostics.push(
          diagnostic(
            "POSTBUS_SCHEMA_BAD_DIALECT",
            `The metaschema ${JSON.stringify(declared)} (${meta.file}) requires the vocabulary "${uri}", which Postbus does not implement`,
            `Postbus implements the 2020-12 vocabularies ${[...VOCABULARY_KEYWORDS.keys()].map(vocabularyName).join(", ")}; declare "${uri}": false in the metaschema's $vocabulary if its keywords may be ignored`,
            { file: file.file, pointer: "/$schema", line, column },
          ),
        );
      }
      vocabularies = listed.map(([uri]) => uri).filter((uri) => VOCABULARY_KEYWORDS.has(uri));
    } else {
      vocabularies = meta.vocabularies ?? [...STANDARD_VOCABULARIES];
    }
  }
  const key = JSON.stringify([meta.dialect, meta.file, vocabularies]);
  const earlier = derived.get(file);
  if (earlier !== undefined && earlier.key === key) return earlier.file;
  const result: SchemaFile = Object.freeze({
    ...file,
    dialect: meta.dialect,
    ...(vocabularies === undefined ? {} : { vocabularies: Object.freeze([...vocabularies].sort()) }),
    metaSchema: meta.file,
  });
  derived.set(file, { key, file: result });
  return result;
}

function withoutFragment(uri: string): string {
  const hash = uri.indexOf("#");
  return hash < 0 ? uri : uri.slice(0, hash);
}
