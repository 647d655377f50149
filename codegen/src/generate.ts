import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ResolvedConfig } from "./config/config.js";
import type { EmitTypesPackage } from "./emit/emit-types-package.js";
import { buildModel } from "./ir/build-model.js";
import { isError, sortDiagnostics } from "./ir/diagnostic.js";
import type { ContractModel, Diagnostic, GeneratedFile } from "./ir/model.js";
import {
  loadSchemas,
  type SchemaFile,
  type SchemaFileCache,
  type SchemaSource,
} from "./load/load-schemas.js";
import type { Position } from "./load/parse-file.js";
import { loadUpcasters } from "./upcast/load-upcasters.js";
import { checkExamples, createExampleCache, type ExampleCache } from "./validate/check-examples.js";
import { validateSchemas } from "./validate/validate-schemas.js";

/** State kept between runs (watch mode): parsed files and example checks, reused while unchanged. */
export interface GenerateCache {
  readonly schemaFiles: SchemaFileCache;
  readonly examples: ExampleCache;
  /** The last emitted files and the model and config they came from: an unchanged model is not re-emitted. */
  lastEmit?: {
    readonly key: string;
    readonly emit: EmitTypesPackage;
    readonly files: readonly GeneratedFile[];
  };
}

/** A fresh {@link GenerateCache}. */
export function createGenerateCache(): GenerateCache {
  return { schemaFiles: new Map(), examples: createExampleCache() };
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** The emitter of the types package; without one, only the model is built and no files are returned. */
  readonly emit?: EmitTypesPackage | undefined;
  /** Pass the same cache to every run to parse only changed files. */
  readonly cache?: GenerateCache | undefined;
}

/** What {@link generate} produced. */
export interface GenerateResult {
  /** Files to write, sorted by path; empty when there are diagnostics. */
  readonly files: GeneratedFile[];
  /** Every problem found, sorted by file and line. */
  readonly diagnostics: Diagnostic[];
  /** Info diagnostics (keywords ignored as annotations), sorted; they never block generation. */
  readonly notes: Diagnostic[];
  /** The IR, when the schemas are valid. */
  readonly model?: ContractModel | undefined;
}

/**
 * Generates the contract packages from the schemas: load (with positions) →
 * validate → build the IR → check examples → check the upcasters (ts-morph) → emit. Reads the schema files and
 * writes nothing; the CLI writes the returned files (or compares them, `--check`).
 *
 * @example
 * ```ts
 * const { config } = await loadConfig({ cwd: process.cwd() });
 * const { files, diagnostics } = await generate(config!, { emit: emitTypesPackage });
 * ```
 */
export async function generate(
  config: ResolvedConfig,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const cache = options.cache ?? createGenerateCache();
  const loaded = await loadModel(config, { cache });
  if (loaded.model === undefined)
    return { files: [], diagnostics: loaded.diagnostics, notes: loaded.notes, model: undefined };
  const upcast = await loadUpcasters(loaded.model, config);
  if (upcast.diagnostics.length > 0) {
    return {
      files: [],
      diagnostics: sortDiagnostics(upcast.diagnostics),
      notes: loaded.notes,
      model: undefined,
    };
  }
  const files =
    options.emit === undefined ? [] : [...(await emit(upcast.model, config, options.emit, cache))];
  return { files, diagnostics: [], notes: loaded.notes, model: upcast.model };
}

/** What {@link loadModel} built: the model, or the problems that prevent one, and the files it read. */
export interface LoadedModel {
  /** The IR, when the schemas are valid. */
  readonly model: ContractModel | undefined;
  /** Every problem found, sorted by file and line; empty when `model` is set. */
  readonly diagnostics: Diagnostic[];
  /** Info diagnostics (keywords ignored as annotations), sorted; they never block the model. */
  readonly notes: Diagnostic[];
  /** The files read (relative path → file), for positions of pointers into them. */
  readonly files: ReadonlyMap<string, SchemaFile>;
}

/**
 * Phases 1–3 of {@link generate}: load (with positions) → validate → build the IR →
 * check examples. `source` reads the files (default: the working tree; `postbus check`
 * passes a git commit). Writes nothing.
 */
export async function loadModel(
  config: ResolvedConfig,
  options: {
    readonly cache?: GenerateCache | undefined;
    readonly source?: SchemaSource | undefined;
    /** Validate every `examples` entry (phase 3b); default true. */
    readonly checkExamples?: boolean | undefined;
  } = {},
): Promise<LoadedModel> {
  const cache = options.cache ?? createGenerateCache();
  const loaded = await loadSchemas(config, cache.schemaFiles, options.source);
  const byFile = new Map(loaded.files.map((file) => [file.file, file] as const));
  const validated = validateSchemas(loaded.files, config);
  const built = buildModel(validated);
  const all = [...loaded.diagnostics, ...validated.diagnostics, ...built.diagnostics];
  const problems = all.filter(isError);
  const notes = sortDiagnostics(all.filter((d) => !isError(d)));
  if (problems.length === 0 && options.checkExamples !== false) {
    const locate = (file: string, pointer: string): Position =>
      byFile.get(file)?.parsed.locate(pointer) ?? { line: 1, column: 1 };
    problems.push(...(await checkExamples(built.model, locate, cache.examples)));
  }
  if (problems.length > 0)
    return { model: undefined, diagnostics: sortDiagnostics(problems), notes, files: byFile };
  return { model: built.model, diagnostics: [], notes, files: byFile };
}

/** Phase 4, emit; skipped when the model and config equal the previous run's (an edit that changes nothing). */
async function emit(
  model: ContractModel,
  config: ResolvedConfig,
  emitter: EmitTypesPackage,
  cache: GenerateCache,
): Promise<readonly GeneratedFile[]> {
  const key = JSON.stringify([model, config]);
  if (cache.lastEmit !== undefined && cache.lastEmit.key === key && cache.lastEmit.emit === emitter) {
    return cache.lastEmit.files;
  }
  const emitted = await emitter(model, config);
  const files = [...emitted].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  cache.lastEmit = { key, emit: emitter, files };
  return files;
}

/** How the files on disk differ from what {@link generate} returned. */
export interface FileDiff {
  /** Paths whose generated contents differ from the disk. */
  readonly changed: readonly string[];
  /** Paths that do not exist on disk yet. */
  readonly missing: readonly string[];
  /** Paths that are the same. */
  readonly unchanged: readonly string[];
}

/**
 * Reads the current contents of `paths` (relative to `root`); absent files map to `undefined`.
 * Used by `--check` and to skip rewriting unchanged files.
 */
export async function readGenerated(
  root: string,
  paths: readonly string[],
): Promise<Map<string, string | undefined>> {
  const entries = await Promise.all(
    paths.map(async (relative) => {
      try {
        return [relative, await readFile(path.join(root, relative), "utf8")] as const;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [relative, undefined] as const;
        throw error;
      }
    }),
  );
  return new Map(entries);
}

/** Compares generated files with what is on disk (from {@link readGenerated}). Pure. */
export function diffFiles(
  files: readonly GeneratedFile[],
  onDisk: ReadonlyMap<string, string | undefined>,
): FileDiff {
  const changed: string[] = [];
  const missing: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    const current = onDisk.get(file.path);
    if (current === undefined) missing.push(file.path);
    else if (current === file.contents) unchanged.push(file.path);
    else changed.push(file.path);
  }
  return { changed, missing, unchanged };
}
