/**
 * The package build, remembered across processes. Type-checking and compiling a generated package
 * of a few hundred events takes seconds; when its sources, the compiler and every file the compiler
 * read from disk (TypeScript's lib, zod's declarations, the generator itself) are what they were at
 * the last build, and `dist/` still holds exactly what that build wrote, the build is that `dist/`.
 * TypeScript is not even loaded then.
 */
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheFolder, readCacheFile, sha256, writeCacheFile } from "../cache/cache-folder.js";
import type { ResolvedConfig } from "../config/config.js";
import type { GeneratedFile } from "../ir/model.js";
import type { BuiltPackage } from "./build-package.js";
import { packageFolder } from "./package-folder.js";

/** What a cached build remembers: its key, the files it read and the hash of each file it wrote. */
interface BuildRecord {
  readonly key: string;
  readonly inputs: readonly { readonly file: string; readonly size: number; readonly mtimeMs: number }[];
  readonly outputs: readonly { readonly path: string; readonly sha256: string }[];
}

/**
 * `buildPackage(config, files)`, or the `dist/` on disk when it is that build's output (`cached`).
 *
 * @example
 * ```ts
 * const built = await buildPackageCached(config, result.files);
 * if (built.cached) console.log("dist/ is up to date");
 * ```
 */
export async function buildPackageCached(
  config: ResolvedConfig,
  files: readonly GeneratedFile[],
): Promise<BuiltPackage & { readonly cached: boolean }> {
  const folder = await cacheFolder(config.root);
  const record =
    folder === undefined
      ? undefined
      : path.join(folder, `build-${sha256(packageFolder(config)).slice(0, 16)}.json`);
  const key = buildKey(config, files);
  if (record !== undefined) {
    const outputs = await cachedOutputs(config.root, await readCacheFile(record), key);
    if (outputs !== undefined) return { files: outputs, diagnostics: [], cached: true };
  }
  const { buildPackage } = await import("./build-package.js");
  const built = buildPackage(config, files);
  if (record !== undefined && built.diagnostics.length === 0) await remember(record, key, built);
  return { ...built, cached: false };
}

/** What the build's output depends on besides the files on disk: the compiler's version and the sources. */
function buildKey(config: ResolvedConfig, files: readonly GeneratedFile[]): string {
  const folder = packageFolder(config);
  const sources = files
    .filter(
      (file) =>
        (file.path.startsWith(`${folder}src/`) && file.path.endsWith(".ts")) ||
        file.path === `${folder}package.json`,
    )
    .map((file) => [file.path, sha256(file.contents)]);
  return sha256(JSON.stringify([typescriptVersion(), config.root, sources]));
}

function typescriptVersion(): string {
  try {
    return (createRequire(import.meta.url)("typescript/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The remembered build's files, read back, when its key, inputs and outputs on disk all still match. */
async function cachedOutputs(
  root: string,
  value: unknown,
  key: string,
): Promise<GeneratedFile[] | undefined> {
  const record = value as BuildRecord | undefined;
  if (record?.key !== key || !Array.isArray(record.inputs) || !Array.isArray(record.outputs))
    return undefined;
  try {
    for (const input of record.inputs) {
      const now = await stat(input.file);
      if (now.size !== input.size || now.mtimeMs !== input.mtimeMs) return undefined;
    }
    const files: GeneratedFile[] = [];
    for (const output of record.outputs) {
      const contents = await readFile(path.join(root, output.path), "utf8");
      if (sha256(contents) !== output.sha256) return undefined;
      files.push({ path: output.path, contents });
    }
    return files;
  } catch {
    return undefined;
  }
}

async function remember(record: string, key: string, built: BuiltPackage): Promise<void> {
  try {
    const generator = fileURLToPath(import.meta.url);
    const files = [...new Set([...(built.inputs ?? []), generator])];
    const inputs = await Promise.all(
      files.map(async (file) => {
        const { size, mtimeMs } = await stat(file);
        return { file, size, mtimeMs };
      }),
    );
    const outputs = built.files.map((file) => ({ path: file.path, sha256: sha256(file.contents) }));
    await writeCacheFile(record, { key, inputs, outputs } satisfies BuildRecord);
  } catch {
    // Not remembered: the next run builds again.
  }
}
