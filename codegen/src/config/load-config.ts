import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import {
  COMPATIBILITY_MODES,
  DEFAULT_COMPATIBILITY,
  isCompatibilityMode,
} from "../ir/compatibility-modes.js";
import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { checkPattern, DEFAULT_EVENT_TYPE_RULE, PATTERN_PLACEHOLDERS } from "../load/derive-event-type.js";
import { isObject } from "../load/json-pointer.js";
import { type ParsedText, parseText } from "../load/parse-file.js";
import { DEFAULT_FORMAT_MODES } from "../validate/keyword-effect.js";
import { didYouMean } from "../validate/suggest-name.js";
import type { FormatMode, IdBase, PostbusConfigFile, ResolvedConfig, UnknownKeywords } from "./config.js";

/** The config file's name, looked up from the working folder upward. */
export const CONFIG_FILE = "postbus.config.json";

const DEFAULTS = {
  schemas: "schemas",
  types: { dir: "packages/types", name: "@postbus/types", version: "0.1.0" },
  docs: "docs/catalog",
} as const;

/** What {@link loadConfig} found: the resolved config, or the problems that prevent one. */
export interface LoadedConfig {
  readonly config: ResolvedConfig | undefined;
  /** Absolute path of the config file read; `undefined` when none was found and defaults apply. */
  readonly file: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Finds and reads `postbus.config.json` — `options.configPath` when given, else the
 * first one from `options.cwd` upward — checks its keys and resolves it. With no
 * config file anywhere, the defaults apply with `cwd` as the root, so a plain
 * `schemas/` folder generates. Definition globs default to `<schemas>/shared/**`.
 *
 * @example
 * ```ts
 * const { config, diagnostics } = await loadConfig({ cwd: process.cwd() });
 * ```
 */
export async function loadConfig(options: {
  cwd: string;
  configPath?: string | undefined;
}): Promise<LoadedConfig> {
  const file =
    options.configPath === undefined
      ? await findUpward(path.resolve(options.cwd))
      : path.resolve(options.cwd, options.configPath);
  if (file === undefined) {
    const root = path.resolve(options.cwd);
    const onDisk = await packageVersionOnDisk(root, {});
    if (onDisk.diagnostic !== undefined) return { config: undefined, file, diagnostics: [onDisk.diagnostic] };
    return { config: resolveConfig(root, {}, onDisk.version), file, diagnostics: [] };
  }
  const root = path.dirname(file);
  const name = path.basename(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
    return {
      config: undefined,
      file,
      diagnostics: [
        diagnostic("POSTBUS_SCHEMA_CONFIG", `The config file ${file} ${reason}`, "Check the --config path", {
          file: name,
          pointer: "",
          line: 1,
          column: 1,
        }),
      ],
    };
  }
  const parsed = parseText(text, name);
  if (parsed.diagnostics.length > 0) return { config: undefined, file, diagnostics: parsed.diagnostics };
  const diagnostics = checkConfig(parsed, name);
  if (diagnostics.length > 0) return { config: undefined, file, diagnostics };
  const written = parsed.value as PostbusConfigFile;
  const onDisk = await packageVersionOnDisk(root, written);
  if (onDisk.diagnostic !== undefined) return { config: undefined, file, diagnostics: [onDisk.diagnostic] };
  return { config: resolveConfig(root, written, onDisk.version), file, diagnostics };
}

/**
 * The `version` of the generated package's package.json on disk, when the config names
 * none: the version `changeset version` (or a person) last wrote there.
 */
async function packageVersionOnDisk(
  root: string,
  written: PostbusConfigFile,
): Promise<{ version?: string; diagnostic?: Diagnostic }> {
  if (written.packages?.types?.version !== undefined) return {};
  const relative = `${normalizeRelative(written.packages?.types?.dir ?? DEFAULTS.types.dir)}/package.json`;
  let text: string;
  try {
    text = await readFile(path.join(root, relative), "utf8");
  } catch {
    return {};
  }
  const version = (() => {
    try {
      const value: unknown = JSON.parse(text);
      return isObject(value) ? value.version : undefined;
    } catch {
      return undefined;
    }
  })();
  if (version === undefined) return {};
  if (typeof version === "string" && isSemver(version)) return { version };
  return {
    diagnostic: diagnostic(
      "POSTBUS_SCHEMA_CONFIG",
      `${relative} has the version ${JSON.stringify(version)}, which is not a semver version`,
      'Write a version such as "1.4.0" there, or set packages.types.version in the config',
      { file: relative, pointer: "/version", line: 1, column: 1 },
    ),
  };
}

/** A name npm accepts for a new package: lower case, URL-safe, optionally `@scope/`, at most 214 characters. */
function isNpmName(value: string): boolean {
  return value.length <= 214 && /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(value);
}

/** A semver 2.0 version: `1.2.3`, `1.2.3-beta.1`, `1.2.3+build.5`. */
export function isSemver(value: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(
    value,
  );
}

/**
 * Applies the defaults to a config file's contents: `root` is the folder holding it.
 * Paths in the result are `/`-separated and relative to `root`, except `root` and `schemasDir`.
 */
export function resolveConfig(
  root: string,
  file: PostbusConfigFile,
  versionOnDisk?: string | undefined,
): ResolvedConfig {
  const schemas = normalizeRelative(file.schemas ?? DEFAULTS.schemas);
  return Object.freeze({
    root,
    schemasDir: path.resolve(root, schemas),
    definitions: Object.freeze([...(file.definitions ?? [`${schemas}/shared/**`])]),
    types: Object.freeze({
      dir: normalizeRelative(file.packages?.types?.dir ?? DEFAULTS.types.dir),
      name: file.packages?.types?.name ?? DEFAULTS.types.name,
      version: file.packages?.types?.version ?? versionOnDisk ?? DEFAULTS.types.version,
      description: file.packages?.types?.description,
      license: file.packages?.types?.license,
    }),
    docs: normalizeRelative(file.docs ?? DEFAULTS.docs),
    compatibility: file.compatibility ?? DEFAULT_COMPATIBILITY,
    unknownKeywords: file.unknownKeywords ?? "annotation",
    annotations: Object.freeze([...(file.annotations ?? [])]),
    sources: Object.freeze([...(file.sources ?? [])]),
    eventType: Object.freeze(
      file.eventType === undefined || file.eventType.from === "field"
        ? (file.eventType ?? DEFAULT_EVENT_TYPE_RULE)
        : { from: file.eventType.from, pattern: file.eventType.pattern ?? "<file-stem>" },
    ),
    idBase: file.idBase ?? "file",
    format: Object.freeze({ "2020-12": file.format?.["2020-12"] ?? DEFAULT_FORMAT_MODES["2020-12"] }),
  });
}

type Shape =
  | "string"
  | "strings"
  | "names"
  | "folder"
  | "mode"
  | "semver"
  | "npm-name"
  | "unknownKeywords"
  | "sources"
  | "eventTypeRule"
  | "idBase"
  | "formatMode"
  | { readonly [key: string]: Shape };

const UNKNOWN_KEYWORDS: readonly UnknownKeywords[] = ["annotation", "error"];
const ID_BASES: readonly IdBase[] = ["file", "none"];
const FORMAT_MODES: readonly FormatMode[] = ["assertion", "annotation"];
const EVENT_TYPE_SOURCES = ["path", "id", "field"] as const;

const SHAPE: { readonly [key: string]: Shape } = {
  $schema: "string",
  schemas: "folder",
  definitions: "strings",
  packages: {
    types: { dir: "folder", name: "npm-name", version: "semver", description: "string", license: "string" },
  },
  docs: "folder",
  compatibility: "mode",
  unknownKeywords: "unknownKeywords",
  annotations: "names",
  sources: "sources",
  eventType: "eventTypeRule",
  idBase: "idBase",
  format: { "2020-12": "formatMode" },
};

function checkConfig(parsed: ParsedText, file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string, hint: string) => {
    const { line, column } = parsed.locate(pointer);
    diagnostics.push(diagnostic("POSTBUS_SCHEMA_CONFIG", message, hint, { file, pointer, line, column }));
  };
  const check = (value: unknown, shape: Shape, pointer: string): void => {
    if (typeof shape === "object") {
      if (!isObject(value)) {
        report(
          pointer,
          `${label(pointer)} must be an object`,
          `Write it as { ${Object.keys(shape).join(", ")} }`,
        );
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        const childShape = Object.hasOwn(shape, key) ? shape[key] : undefined;
        const childPointer = `${pointer}/${key}`;
        if (childShape === undefined) {
          report(
            childPointer,
            `Unknown config key "${key}"`,
            `${didYouMean(key, Object.keys(shape))}Known keys here: ${Object.keys(shape).join(", ")}`,
          );
        } else {
          check(child, childShape, childPointer);
        }
      }
    } else if (shape === "mode") {
      if (!isCompatibilityMode(value)) {
        report(
          pointer,
          `${label(pointer)} must be one of ${COMPATIBILITY_MODES.join(", ")}`,
          `${typeof value === "string" ? didYouMean(value.toUpperCase(), COMPATIBILITY_MODES) : ""}For example "BACKWARD"`,
        );
      }
    } else if (shape === "semver") {
      if (typeof value !== "string" || !isSemver(value)) {
        report(pointer, `${label(pointer)} must be a semver version`, 'For example "1.4.0"');
      }
    } else if (shape === "npm-name") {
      if (typeof value !== "string" || !isNpmName(value)) {
        report(
          pointer,
          `${label(pointer)} ${JSON.stringify(value)} is not an npm package name`,
          'Use lower case letters, digits, "-", "." and "_", optionally scoped: "@shop/events"',
        );
      }
    } else if (shape === "unknownKeywords") {
      checkOneOf(
        value,
        UNKNOWN_KEYWORDS,
        pointer,
        '"annotation" ignores a keyword no dialect defines (with an info diagnostic); "error" refuses it',
        report,
      );
    } else if (shape === "idBase") {
      checkOneOf(
        value,
        ID_BASES,
        pointer,
        '"file" resolves a relative $id against the file\'s own URL; "none" keeps relative $ids in a base-less id space, as ajv does',
        report,
      );
    } else if (shape === "formatMode") {
      checkOneOf(
        value,
        FORMAT_MODES,
        pointer,
        '"assertion" checks "format" in 2020-12 schemas (as ajv does); "annotation" only describes, as the 2020-12 specification says',
        report,
      );
    } else if (shape === "eventTypeRule") {
      checkEventTypeRule(value, pointer, report);
    } else if (shape === "names") {
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
        report(pointer, `${label(pointer)} must be an array of keyword names`, 'For example ["javaType"]');
      }
    } else if (shape === "sources") {
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
        report(
          pointer,
          `${label(pointer)} must be an array of tsconfig files or globs`,
          'For example ["tsconfig.json"] or ["src/**/*.ts"]',
        );
      }
    } else if (shape === "strings") {
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
        report(pointer, `${label(pointer)} must be an array of globs`, 'For example ["schemas/shared/**"]');
      }
    } else if (typeof value !== "string" || value === "") {
      report(
        pointer,
        `${label(pointer)} must be a non-empty string`,
        "Give a path relative to the config file",
      );
    } else if (shape === "folder" && (path.isAbsolute(value) || value.split(/[\\/]/).includes(".."))) {
      report(
        pointer,
        `${label(pointer)} "${value}" leaves the project folder`,
        "Use a path inside the folder holding postbus.config.json",
      );
    }
  };
  check(parsed.value, SHAPE, "");
  return diagnostics;
}

/** `eventType`: `{ from: "path" | "id", pattern? }` or `{ from: "field", field }`. */
function checkEventTypeRule(
  value: unknown,
  pointer: string,
  report: (pointer: string, message: string, hint: string) => void,
): void {
  const example =
    'For example { "from": "path", "pattern": "<folder>.<file-stem>" }, { "from": "id" } or { "from": "field", "field": "title" }';
  if (!isObject(value)) {
    report(pointer, `${label(pointer)} must be an object`, example);
    return;
  }
  const from = value.from;
  if (!(EVENT_TYPE_SOURCES as readonly unknown[]).includes(from)) {
    report(
      `${pointer}/from`,
      `${label(`${pointer}/from`)} must be one of ${EVENT_TYPE_SOURCES.map((source) => `"${source}"`).join(", ")}`,
      example,
    );
    return;
  }
  const keys = from === "field" ? ["from", "field"] : ["from", "pattern"];
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      report(
        `${pointer}/${key}`,
        `Unknown config key "${key}" for "from": "${from}"`,
        `${didYouMean(key, keys)}Known keys here: ${keys.join(", ")}`,
      );
    }
  }
  if (from === "field") {
    if (typeof value.field !== "string" || value.field === "") {
      report(
        `${pointer}/field`,
        `${label(`${pointer}/field`)} must name a root field of the schemas`,
        'For example "title" or "x-event-type"',
      );
    }
    return;
  }
  if (value.pattern === undefined) return;
  const problem = typeof value.pattern === "string" ? checkPattern(value.pattern) : "is not a string";
  if (problem !== undefined) {
    report(
      `${pointer}/pattern`,
      `${label(`${pointer}/pattern`)} ${problem}`,
      `Placeholders: ${PATTERN_PLACEHOLDERS.join(", ")}; for example "<folder>.<file-stem>"`,
    );
  }
}

/** Reports `value` unless it is one of `allowed`, listing them. */
function checkOneOf(
  value: unknown,
  allowed: readonly string[],
  pointer: string,
  hint: string,
  report: (pointer: string, message: string, hint: string) => void,
): void {
  if (allowed.includes(value as string)) return;
  report(pointer, `${label(pointer)} must be one of ${allowed.map((name) => `"${name}"`).join(", ")}`, hint);
}

function label(pointer: string): string {
  return pointer === "" ? "The config" : `"${pointer.slice(1).replaceAll("/", ".")}"`;
}

async function findUpward(start: string): Promise<string | undefined> {
  for (let folder = start; ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, CONFIG_FILE);
    if (await isFile(candidate)) return candidate;
    if (path.dirname(folder) === folder) return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function normalizeRelative(relative: string): string {
  return path.posix.normalize(relative.replaceAll("\\", "/")).replace(/\/+$/, "") || ".";
}
