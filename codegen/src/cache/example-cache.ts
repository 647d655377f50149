/**
 * The example checks' work, remembered across processes: each subject's result (by the hash of what
 * it read) in the project's cache folder under a name that holds ajv's version and options. The next
 * fresh process compiles only the subjects whose schema, definitions or examples changed.
 */
import {
  EXAMPLE_RESULTS_KEY,
  exampleResultsToKeep,
  restoreExampleResults,
} from "../validate/example-results.js";
import { readCacheEntries, writeCacheEntries } from "./cache-folder.js";

const FILE = `examples-${EXAMPLE_RESULTS_KEY}.json`;

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
  const entries = await readCacheEntries(root, FILE);
  if (entries !== undefined) restoreExampleResults(entries);
}

/** Remembers the results this process used (only those: the cache never grows past one run). */
export async function keepExampleCache(root: string): Promise<void> {
  await writeCacheEntries(root, FILE, exampleResultsToKeep());
}
