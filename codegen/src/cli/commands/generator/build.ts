import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { packageFolder } from "../../../build/package-folder.js";
import type { ResolvedConfig } from "../../../config/config.js";
import { formatDiagnostic } from "../../../ir/diagnostic.js";
import type { Diagnostic, GeneratedFile } from "../../../ir/model.js";
import { loadProjectConfig } from "../../load-project-config.js";

/** Flags of `postbus build`. */
export interface BuildFlags {
  readonly config?: string | undefined;
}

/** Where `build` prints, and the folder the config is looked up from (default `process.cwd()`). */
export interface BuildIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd?: string | undefined;
}

/**
 * `postbus build [--config PATH]`: compiles the generated package's committed sources
 * (the `.ts` files under `<types.dir>/src/`, as `postbus generate` wrote them) into `<types.dir>/dist/`
 * without regenerating them, so a CI build cannot hide stale sources from
 * `generate --check`. A compile error prints as `file:line:column: CODE …`, exit 1.
 */
export async function buildCommand(flags: BuildFlags, io: BuildIo): Promise<number> {
  const loaded = await loadProjectConfig(io.cwd ?? process.cwd(), flags.config);
  if (loaded.config === undefined) return printDiagnostics(loaded.diagnostics, io);
  const config = loaded.config;
  const started = performance.now();
  const srcDir = `${packageFolder(config)}src`;
  let entries: string[];
  try {
    entries = (await readdir(path.join(config.root, srcDir), { recursive: true }))
      .map((entry) => entry.split(path.sep).join("/"))
      .filter((entry) => entry.endsWith(".ts"))
      .sort();
  } catch {
    entries = [];
  }
  if (entries.length === 0) {
    io.err(`postbus: ${srcDir}/ holds no generated sources; run postbus generate first`);
    return 1;
  }
  const sources = await Promise.all(
    entries.map(async (entry) => ({
      path: `${srcDir}/${entry}`,
      contents: await readFile(path.join(config.root, srcDir, entry), "utf8"),
    })),
  );
  const built = (await import("../../../build/build-package.js")).buildPackage(config, sources);
  if (built.diagnostics.length > 0) return printDiagnostics(built.diagnostics, io);
  const dist = await replaceDist(config, built.files);
  io.out(
    `postbus: built ${dist} (${built.files.length} files) in ${Math.round(performance.now() - started)} ms`,
  );
  return 0;
}

/** Replaces `<types.dir>/dist/` with the built files: nothing of an older build is left behind. */
export async function replaceDist(config: ResolvedConfig, files: readonly GeneratedFile[]): Promise<string> {
  const dist = `${packageFolder(config)}dist/`;
  await rm(path.join(config.root, dist), { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(config.root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  return dist;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], io: BuildIo): number {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const count = diagnostics.length;
  io.err(`postbus: ${count} ${count === 1 ? "problem" : "problems"} found; nothing was written`);
  return 1;
}
