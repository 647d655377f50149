/**
 * The example checks' work, remembered across processes: each subject's result (by the hash of what
 * it read) in the project's cache folder under a name that holds ajv's version and options. The next
 * fresh process compiles only the subjects whose schema, definitions or examples changed.
 */
import path from "node:path";
import { isObject } from "../load/json-pointer.js";
import {
  EXAMPLE_RESULTS_KEY,
  exampleResultsToKeep,
  restoreExampleResults,
} from "../validate/example-results.js";
import { cacheFolder, readCacheFile, writeCacheFile } from "./cache-folder.js";

async function cacheFile(root: string): Promise<string | undefined> {
  const folder = await cacheFolder(root);
  return folder === undefined ? undefined : path.join(folder, `examples-${EXAMPLE_RESULTS_KEY}.json`);
}

/**
 * Makes the results the last process of the project at `root` kept available to this one.
 *
 * @example
 * ```ts
 * await restoreExampleCache(config.root);
 * const result = await generate(config, { emit });
 * await keepExampleCache(config.root);
 * ```
 */
export async function restoreExampleCache(root: string): Promise<void> {
  const file = await cacheFile(root);
  const entries = file === undefined ? undefined : await readCacheFile(file);
  if (isObject(entries)) restoreExampleResults(entries);
}

/** Remembers the results this process used (only those: the cache never grows past one run). */
export async function keepExampleCache(root: string): Promise<void> {
  const file = await cacheFile(root);
  if (file !== undefined) await writeCacheFile(file, exampleResultsToKeep());
}
