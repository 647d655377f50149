/**
 * Prettier's work, remembered across processes: the formatted text of every chunk a `postbus generate`
 * formatted (by the hash of its unformatted text), kept in the project's cache folder under a name
 * that holds Prettier's version and options. The next fresh process formats only the chunks whose
 * text changed; the rest is looked up.
 */
import { FORMAT_KEY, formattedChunksToKeep, restoreFormattedChunks } from "../emit/format-typescript.js";
import { readCacheEntries, writeCacheEntries } from "./cache-folder.js";

const FILE = `format-${FORMAT_KEY}.json`;

/**
 * Makes the chunks the last process of the project at `root` formatted available to this one.
 *
 * @example
 * ```ts
 * await restoreFormatCache(config.root);
 * const result = await generate(config, { emit });
 * await keepFormatCache(config.root);
 * ```
 */
export async function restoreFormatCache(root: string): Promise<void> {
  const entries = await readCacheEntries(root, FILE);
  if (entries !== undefined) restoreFormattedChunks(entries as Record<string, string>);
}

/** Remembers the chunks this process formatted or used (only those: the cache never grows past one run). */
export async function keepFormatCache(root: string): Promise<void> {
  await writeCacheEntries(root, FILE, formattedChunksToKeep());
}
