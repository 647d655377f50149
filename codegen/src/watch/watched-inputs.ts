import { readdir } from "node:fs/promises";
import path from "node:path";
import type { ResolvedConfig } from "../config/config.js";
import { isSchemaPath } from "../load/load-schemas.js";

/** What a file is to `generate`; `undefined` when a change to it cannot change the output. */
export type InputKind = "schema" | "upcaster" | "config" | "package-version";

/**
 * The files one `generate` run reads, for a given config: every schema (and shared
 * definitions) file and upcaster under the schema folder, the config file, and the
 * generated package's `package.json`, whose `version` the config falls back to.
 */
export interface WatchedInputs {
  /** Absolute paths to watch: the schema folder, the config file, the package's `package.json`. */
  readonly roots: readonly string[];
  /** The kind of an absolute path, or `undefined` when generate does not read it. */
  kindOf(file: string): InputKind | undefined;
  /** Whether the watcher can skip a path altogether (a hidden or `node_modules` folder below the schemas). */
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
  const belowSchemas = (file: string): string | undefined => {
    const relative = path.relative(schemasDir, file);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join("/");
  };
  const kindOf = (file: string): InputKind | undefined => {
    if (file === configFile) return "config";
    if (file === packageJson) return "package-version";
    const relative = belowSchemas(file);
    if (relative === undefined) return undefined;
    if (isSchemaPath(relative)) return "schema";
    return isUpcasterPath(relative) ? "upcaster" : undefined;
  };
  return {
    roots: [schemasDir, configFile, packageJson],
    kindOf,
    skips: (file) => belowSchemas(file)?.split("/").some(isHiddenSegment) ?? false,
    async list() {
      const below = await listBelow(schemasDir);
      return [configFile, packageJson, ...below.map((relative) => path.join(schemasDir, relative))]
        .filter((file) => kindOf(file) !== undefined)
        .sort();
    },
  };
}

/** `upcasters/<event>.v1-to-v2.ts` at any depth: what `findUpcasters` reads (its name is checked there). */
function isUpcasterPath(relative: string): boolean {
  const segments = relative.split("/");
  return (
    relative.endsWith(".ts") &&
    !relative.endsWith(".d.ts") &&
    segments.slice(0, -1).includes("upcasters") &&
    !segments.some(isHiddenSegment)
  );
}

function isHiddenSegment(segment: string): boolean {
  return segment.startsWith(".") || segment === "node_modules";
}

async function listBelow(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { recursive: true })).map((entry) => entry.split(path.sep).join("/"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
