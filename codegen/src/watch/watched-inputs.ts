import { type Dirent, existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { ResolvedConfig } from "../config/config.js";
import { isSchemaPath } from "../load/load-schemas.js";
import { staticFolder } from "../scan/static-folder.js";

/** What a file is to `generate`; `undefined` when a change to it cannot change the output. */
export type InputKind = "schema" | "upcaster" | "config" | "package-version" | "source";

/**
 * The files one `generate` run reads, for a given config: every schema (and shared
 * definitions) file and upcaster under the schema folder, the config file, the generated
 * package's `package.json` (whose `version` the config falls back to) and, when the config
 * lists `sources`, the application's TypeScript that the catalog's producers and consumers
 * are scanned from (and those tsconfig files), never the generated output itself.
 */
export interface WatchedInputs {
  /** Absolute paths to watch: folders and files. */
  readonly roots: readonly string[];
  /** The kind of an absolute path, or `undefined` when generate does not read it. */
  kindOf(file: string): InputKind | undefined;
  /** Whether the watcher can skip a path altogether (a hidden or `node_modules` folder below a watched folder). */
  skips(file: string): boolean;
  /** Every input that exists now, absolute and sorted. */
  list(): Promise<string[]>;
}

/**
 * The {@link WatchedInputs} of `config`, whose file is `configFile` (absolute; it may not
 * exist yet when the defaults apply).
 *
 * @example
 * ```ts
 * const inputs = watchedInputs(config, "/app/postbus.config.json");
 * inputs.kindOf("/app/schemas/orders/order.placed.yaml"); // "schema"
 * ```
 */
export function watchedInputs(config: ResolvedConfig, configFile: string): WatchedInputs {
  const schemasDir = config.schemasDir;
  const packageJson = path.join(config.root, config.types.dir, "package.json");
  const output = [path.join(config.root, config.types.dir), path.join(config.root, config.docs)];
  const tsconfigs = config.sources
    .filter((entry) => entry.endsWith(".json"))
    .map((entry) => path.resolve(config.root, entry));
  const sourceFolders = [
    ...tsconfigs.map((tsconfig) => path.dirname(tsconfig)),
    ...config.sources
      .filter((entry) => !entry.endsWith(".json"))
      .map((glob) => staticFolder(path.resolve(config.root, glob))),
  ];
  const folders = [schemasDir, ...sourceFolders];
  const kindOf = (file: string): InputKind | undefined => {
    if (file === configFile) return "config";
    if (file === packageJson) return "package-version";
    if (tsconfigs.includes(file)) return "source";
    const relative = below(schemasDir, file);
    if (relative !== undefined && !relative.split("/").some(isHiddenSegment)) {
      if (isSchemaPath(relative)) return "schema";
      if (isUpcasterPath(relative)) return "upcaster";
    }
    if (output.some((folder) => below(folder, file) !== undefined)) return undefined;
    const inSources = sourceFolders.some((folder) => {
      const inside = below(folder, file);
      return inside !== undefined && !inside.split("/").some(isHiddenSegment);
    });
    return inSources && isTypeScriptSource(file) ? "source" : undefined;
  };
  return {
    roots: [...new Set([...folders, configFile, packageJson, ...tsconfigs])],
    kindOf,
    skips: (file) =>
      folders.some((folder) => below(folder, file)?.split("/").some(isHiddenSegment) ?? false) &&
      kindOf(file) === undefined,
    async list() {
      const found = new Set<string>([configFile, packageJson, ...tsconfigs]);
      for (const folder of new Set(folders)) for (const file of await walk(folder)) found.add(file);
      return [...found].filter((file) => kindOf(file) !== undefined).sort();
    },
  };
}

/** `file` relative to `folder`, `/`-separated, when it lies below it. */
function below(folder: string, file: string): string | undefined {
  const relative = path.relative(folder, file);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join("/");
}

/** `upcasters/<event>.v1-to-v2.ts` at any depth: what `findUpcasters` reads (its name is checked there). */
function isUpcasterPath(relative: string): boolean {
  return isTypeScriptSource(relative) && relative.split("/").slice(0, -1).includes("upcasters");
}

function isTypeScriptSource(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
}

function isHiddenSegment(segment: string): boolean {
  return segment.startsWith(".") || segment === "node_modules";
}

/** Every file below `folder`, absolute, without descending into hidden or `node_modules` folders. */
async function walk(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!isHiddenSegment(entry.name)) files.push(...(await walk(full)));
    } else if (entry.isFile()) files.push(full);
  }
  return files;
}
