import path from "node:path";
import { performance } from "node:perf_hooks";
import type { FSWatcher } from "chokidar";
import type { ResolvedConfig } from "../config/config.js";
import { CONFIG_FILE, loadConfig } from "../config/load-config.js";
import type { EmitTypesPackage } from "../emit/emit-types-package.js";
import { createGenerateCache, type GenerateCache, generate } from "../generate.js";
import { formatDiagnostic } from "../ir/diagnostic.js";
import type { Diagnostic, GeneratedFile } from "../ir/model.js";
import { createChangeQueue } from "./change-queue.js";
import { type ContentChange, createContentSnapshot } from "./content-snapshot.js";
import { describeChanges, describeWrites } from "./describe-run.js";
import { watchedInputs } from "./watched-inputs.js";

/**
 * Writes generated files under `root` (only those that differ from `onDisk`, which it
 * keeps up to date) and removes obsolete ones, calling `report` with `wrote <file>` or
 * `removed <file>` for each.
 */
export type WriteGenerated = (
  root: string,
  files: readonly GeneratedFile[],
  report: (line: string) => void,
  onDisk: Map<string, string | undefined>,
) => Promise<unknown>;

/** Options of {@link watchGenerate}. */
export interface WatchGenerateOptions {
  /** Folder the config was looked up from; a reload looks it up the same way. */
  readonly cwd: string;
  /** The `--config` path as given, if any. */
  readonly configPath: string | undefined;
  readonly emit: EmitTypesPackage;
  readonly write: WriteGenerated;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops the watch (besides SIGINT/SIGTERM, which the caller turns into this signal). */
  readonly signal: AbortSignal;
}

/**
 * Quiet time before a burst of events regenerates, the cap on it, and the recheck of each path. An
 * editor's save (temp file, rename, chmod) arrives within a few milliseconds; 20 ms of quiet joins it
 * into one batch, and a slower writer at worst costs one extra run (a change seen during a run is
 * kept for the next one).
 */
const TIMING = { quietMs: 20, maxWaitMs: 1000, recheckMs: 100 } as const;

/** The config the watch starts with, as `loadConfig` found it. */
export interface StartingConfig {
  readonly config: ResolvedConfig;
  /** Absolute path of the config file; `undefined` when none exists and the defaults apply. */
  readonly file: string | undefined;
}

/**
 * `postbus generate --watch`: generates, then regenerates the sources whenever an input's
 * contents change — a schema or shared definitions file edited (in place or by an editor's
 * atomic save: temp file renamed over it), added or removed, an upcaster, `postbus.config.json`
 * (reloaded; a changed schema folder is watched instead) or the `version` of the generated
 * package's `package.json`. Events go through chokidar, are debounced into batches, and a
 * batch whose files read the same as before regenerates nothing. Each run prints one line
 * with its duration; schema or config problems print their diagnostics and the watch goes
 * on with the last good config. Resolves 0 once `signal` aborts, 1 if the watcher fails.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * const status = watchGenerate({ config, file }, { cwd, configPath: undefined, emit, write, out, err, signal: stop.signal });
 * ```
 */
export async function watchGenerate(start: StartingConfig, options: WatchGenerateOptions): Promise<number> {
  const { out, err } = options;
  let config = start.config;
  let cache: GenerateCache = createGenerateCache();
  // What is on disk, as this process last read or wrote it: a change is diffed in memory.
  let onDisk = new Map<string, string | undefined>();
  let inputs = watchedInputs(config, configFileOf(start));
  const snapshot = createContentSnapshot();
  const shown = (file: string) => toPosix(path.relative(config.root, file)) || ".";

  const regenerate = async (changes: readonly ContentChange[]) => {
    const started = performance.now();
    const cause =
      changes.length === 0
        ? ""
        : ` after ${describeChanges(changes.map((change) => ({ ...change, file: shown(change.file) })))}`;
    const took = () => Math.round(performance.now() - started);
    try {
      const result = await generate(config, { emit: options.emit, cache });
      if (result.diagnostics.length > 0) {
        for (const d of result.diagnostics) err(formatDiagnostic(d));
        err(
          `postbus: ${countProblems(result.diagnostics)} in ${took()} ms${cause}; nothing written, still watching`,
        );
        return;
      }
      const writes: string[] = [];
      await options.write(config.root, result.files, (line) => writes.push(line), onDisk);
      // What it wrote itself is no news: the generated package.json, or code a `sources` glob covers.
      const own = writes.map((line) => path.join(config.root, line.slice(line.indexOf(" ") + 1)));
      await snapshot.seed(own.filter((file) => inputs.kindOf(file) !== undefined));
      out(`postbus: generated in ${took()} ms${cause}; ${describeWrites(writes)}`);
    } catch (error) {
      err(
        `postbus: generate failed${cause}: ${error instanceof Error ? error.message : String(error)}; still watching`,
      );
    }
  };

  /** Reloads the config; true when it changed (and was swapped in), false when unchanged or broken. */
  const reloadConfig = async (watcher: FSWatcher): Promise<boolean> => {
    const loaded = await loadConfig({ cwd: options.cwd, configPath: options.configPath });
    if (loaded.config === undefined) {
      for (const d of loaded.diagnostics) err(formatDiagnostic(d));
      err(
        `postbus: the config has ${countProblems(loaded.diagnostics)}; still watching with the previous one`,
      );
      return false;
    }
    const next = loaded.config;
    if (JSON.stringify(next) === JSON.stringify(config)) return false;
    const nextInputs = watchedInputs(next, configFileOf({ config: next, file: loaded.file }));
    const gone = inputs.roots.filter((root) => !nextInputs.roots.includes(root));
    const added = nextInputs.roots.filter((root) => !inputs.roots.includes(root));
    config = next;
    inputs = nextInputs;
    cache = createGenerateCache();
    onDisk = new Map();
    if (gone.length > 0) watcher.unwatch(gone);
    if (added.length > 0) watcher.add(added);
    await snapshot.seed(await inputs.list());
    return true;
  };

  const { watch } = await import("chokidar");
  const watcher = watch([...inputs.roots], {
    ignoreInitial: true,
    // `inputs` is read at each call: a reloaded config's folders apply at once.
    ignored: (file: string) => inputs.skips(file),
  });
  let status = 0;
  const failed = new Promise<void>((resolve) =>
    watcher.on("error", (error) => {
      err(`postbus: stopped watching: ${error instanceof Error ? error.message : String(error)}`);
      status = 1;
      resolve();
    }),
  );
  const queue = createChangeQueue(async (files) => {
    const relevant = files.filter((file) => inputs.kindOf(file) !== undefined);
    const changes = await snapshot.compare(relevant);
    if (changes.length === 0) return;
    const kinds = new Set(changes.map((change) => inputs.kindOf(change.file)));
    const configChanged = kinds.has("config") || kinds.has("package-version");
    const inputChanged = kinds.has("schema") || kinds.has("upcaster") || kinds.has("source");
    // The code is read by the emitter (the catalog's scan), not by the model: emit again.
    if (kinds.has("source")) cache.lastEmit = undefined;
    if (configChanged) {
      const swapped = await reloadConfig(watcher);
      if (!swapped && !inputChanged) return;
    }
    await regenerate(changes);
  }, TIMING);
  watcher.on("all", (_event, file) => queue.push(path.resolve(file)));
  try {
    await Promise.race([new Promise<void>((resolve) => watcher.once("ready", () => resolve())), failed]);
    if (status === 0) {
      await queue.run(async () => {
        await snapshot.seed(await inputs.list());
        await regenerate([]);
      });
      out(
        `postbus: watching ${shown(config.schemasDir)}/ and ${shown(configFileOf(start))} (Ctrl-C to stop)`,
      );
      await Promise.race([aborted(options.signal), failed]);
    }
  } finally {
    await watcher.close();
    await queue.close();
  }
  return status;
}

/** The config file a reload reads: the one found, else where one would be created at the root. */
function configFileOf(loaded: StartingConfig): string {
  return loaded.file ?? path.join(loaded.config.root, CONFIG_FILE);
}

function countProblems(diagnostics: readonly Diagnostic[]): string {
  return `${diagnostics.length} ${diagnostics.length === 1 ? "problem" : "problems"}`;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
