import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ResolvedConfig } from "../config/config.js";
import { matchGlob } from "../config/match-glob.js";
import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { type EventDefaults, eventDefaults } from "./derive-event-type.js";
import { type Dialect, detectDialect } from "./detect-dialect.js";
import { BASELESS_ROOT } from "./id-space.js";
import { type ParsedText, parseText } from "./parse-file.js";

/** One schema file, read and parsed. Immutable; reused across runs while its text is unchanged. */
export interface SchemaFile {
  /** Path relative to the config's root, `/`-separated. */
  readonly file: string;
  /**
   * The file's URI: the base of its relative `$ref`s unless it declares an `$id`. Its `file:` URL, or
   * with `idBase: "none"` its path below the schema folder in the base-less id space ({@link BASELESS_ROOT}).
   */
  readonly uri: string;
  /** What a relative `$id` at the root resolves against: {@link uri}, or with `idBase: "none"` the id space's root. */
  readonly idBase: string;
  /** `definitions`: matched by a definitions glob, holds only shared definitions. */
  readonly role: "event" | "definitions";
  readonly text: string;
  readonly parsed: ParsedText;
  /**
   * `undefined` when `$schema` names a dialect Postbus does not read. A custom metaschema's dialect is
   * given in the validate phase (`resolveMetaSchemas`, to a copy of the file), when it is among the files.
   */
  readonly dialect: Dialect | undefined;
  /**
   * The 2020-12 vocabularies in effect when `$schema` names a custom metaschema (its `$vocabulary`, the
   * ones Postbus implements, sorted); `undefined`: the dialect's own (every 2020-12 vocabulary but format-assertion).
   */
  readonly vocabularies?: readonly string[];
  /** The file of the custom metaschema `$schema` names, when it names one. */
  readonly metaSchema?: string;
  /** Domain, event type and version as the path (and the config's `eventType` rule) say. */
  readonly defaults: EventDefaults;
}

/** Parsed files by absolute path: pass the same map to every run (watch mode) to parse only what changed. */
export type SchemaFileCache = Map<string, SchemaFile>;

/**
 * Where schema files are read from: the working tree (the default) or another
 * snapshot of it, such as a git commit (`postbus check --against`). Paths are absolute.
 */
export interface SchemaSource {
  /** Schema files under `folder`, relative to it, `/`-separated and sorted; `undefined` if it does not exist. */
  readonly list: (folder: string) => Promise<string[] | undefined>;
  /** The text of one file `list` returned. */
  readonly read: (file: string) => Promise<string>;
}

/**
 * The working tree, through the file system. Files are read synchronously: a schema file is small,
 * and `fs/promises` pays four thread-pool round trips (open, stat, read, close) for each, which made
 * reading the 300 files of the bench corpus several times slower.
 */
export const FILE_SYSTEM_SOURCE: SchemaSource = {
  list: (folder) => discoverSchemaFiles(folder),
  read: async (file) => readFileSync(file, "utf8"),
};

const SCHEMA_FILE = /\.(json|ya?ml)$/i;

/**
 * Phase 1, load: finds every schema file under `config.schemasDir` in `source` (sorted by path,
 * so output never depends on the file system's order), reads and parses each
 * one, keeping positions. Parse errors are diagnostics; nothing is thrown for bad input.
 */
export async function loadSchemas(
  config: ResolvedConfig,
  cache: SchemaFileCache = new Map(),
  source: SchemaSource = FILE_SYSTEM_SOURCE,
): Promise<{ files: SchemaFile[]; diagnostics: Diagnostic[] }> {
  const relativePaths = await source.list(config.schemasDir);
  if (relativePaths === undefined) {
    const folder = toPosix(path.relative(config.root, config.schemasDir)) || ".";
    return {
      files: [],
      diagnostics: [
        diagnostic(
          "POSTBUS_SCHEMA_CONFIG",
          `The schema folder "${folder}" does not exist`,
          'Create it, or set "schemas" in postbus.config.json',
          { file: "postbus.config.json", pointer: "/schemas", line: 1, column: 1 },
        ),
      ],
    };
  }
  const seen = new Set<string>();
  const options: LoadOptions = { eventType: config.eventType, idBase: config.idBase };
  const optionsKey = JSON.stringify(options);
  const files = await Promise.all(
    relativePaths.map(async (relative) => {
      const absolute = path.join(config.schemasDir, relative);
      seen.add(absolute);
      const text = await source.read(absolute);
      const file = toPosix(path.relative(config.root, absolute));
      const role = config.definitions.some((glob) => matchGlob(glob, file)) ? "definitions" : "event";
      const cached = cache.get(absolute);
      if (
        cached !== undefined &&
        cached.text === text &&
        cached.role === role &&
        cached.file === file &&
        loadedWith.get(cached) === optionsKey
      ) {
        return cached;
      }
      const loaded = loadFile({ absolute, file, relativeToSchemas: relative, role, text }, options);
      loadedWith.set(loaded, optionsKey);
      cache.set(absolute, loaded);
      return loaded;
    }),
  );
  for (const key of cache.keys()) if (!seen.has(key)) cache.delete(key);
  return { files, diagnostics: files.flatMap((file) => file.parsed.diagnostics) };
}

/** The {@link LoadOptions} each cached file was loaded with, as JSON. */
const loadedWith = new WeakMap<SchemaFile, string>();

/** The config's keys that change how a file is loaded. */
interface LoadOptions {
  readonly eventType: ResolvedConfig["eventType"];
  readonly idBase: ResolvedConfig["idBase"];
}

function loadFile(
  where: {
    readonly absolute: string;
    readonly file: string;
    readonly relativeToSchemas: string;
    readonly role: SchemaFile["role"];
    readonly text: string;
  },
  options: LoadOptions,
): SchemaFile {
  const { file, role, text } = where;
  const parsed = parseText(text, file);
  const uri =
    options.idBase === "none"
      ? new URL(where.relativeToSchemas.split("/").map(encodeURIComponent).join("/"), BASELESS_ROOT).href
      : pathToFileURL(where.absolute).href;
  return Object.freeze({
    file,
    uri,
    idBase: options.idBase === "none" ? BASELESS_ROOT : uri,
    role,
    text,
    parsed,
    dialect: detectDialect(parsed.value),
    defaults: eventDefaults(where.relativeToSchemas, options.eventType, parsed.value),
  });
}

/** Schema files under `folder` relative to it, `/`-separated and sorted; `undefined` if it does not exist. */
export async function discoverSchemaFiles(folder: string): Promise<string[] | undefined> {
  let entries: string[];
  try {
    entries = await readdir(folder, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return entries
    .map(toPosix)
    .filter(isSchemaPath)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether a `/`-separated path below the schema folder is a schema file (JSON or YAML, not in a dot folder or `node_modules`). */
export function isSchemaPath(relative: string): boolean {
  return SCHEMA_FILE.test(relative) && !relative.split("/").some(isHidden);
}

function isHidden(segment: string): boolean {
  return segment.startsWith(".") || segment === "node_modules";
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
