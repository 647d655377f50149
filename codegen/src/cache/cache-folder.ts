/**
 * Where `postbus generate` remembers work between processes: `node_modules/.cache/postbus/` of the
 * project (the folder holding postbus.config.json), the place build tools conventionally use. Only
 * when `node_modules/` exists there; a cache that cannot be read or written is no cache, never an error.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** The cache folder of the project at `root`, or `undefined` when it has no `node_modules/`. */
export async function cacheFolder(root: string): Promise<string | undefined> {
  try {
    if (!(await stat(path.join(root, "node_modules"))).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return path.join(root, "node_modules", ".cache", "postbus");
}

/** The JSON value of a cache file, or `undefined` when it is missing or unreadable. */
export async function readCacheFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache file whole or not at all (a temporary file renamed over it), so a process that
 * reads it while another writes never sees half of it. Failures are ignored.
 */
export async function writeCacheFile(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, file);
  } catch {
    // No cache this time.
  }
}

/**
 * The entries of the cache file `name` of the project at `root` (a JSON object), or `undefined` when
 * there is no cache folder, no such file, or it does not hold an object.
 */
export async function readCacheEntries(
  root: string,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const folder = await cacheFolder(root);
  const value = folder === undefined ? undefined : await readCacheFile(path.join(folder, name));
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Writes `entries` as the cache file `name` of the project at `root`, when it has a cache folder. */
export async function writeCacheEntries(root: string, name: string, entries: object): Promise<void> {
  const folder = await cacheFolder(root);
  if (folder !== undefined) await writeCacheFile(path.join(folder, name), entries);
}

/** SHA-256 of a text, hex. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
