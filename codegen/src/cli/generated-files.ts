import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffFiles, readGenerated } from "../generate.js";
import { formatDiagnostic } from "../ir/diagnostic.js";
import type { Diagnostic, GeneratedFile } from "../ir/model.js";

/**
 * The write/check loop `postbus generate` and `postbus docs` share: compare what was generated
 * with what is on disk, then either report what is stale (`--check`) or write what changed and
 * remove what is no longer generated. Each command finds its own obsolete files.
 */

/** Prints each diagnostic and the "nothing was written" line; returns exit status 1. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], err: (line: string) => void): number {
  for (const d of diagnostics) err(formatDiagnostic(d));
  const count = diagnostics.length;
  err(`postbus: ${count} ${count === 1 ? "problem" : "problems"} found; nothing was written`);
  return 1;
}

/** How a command names its files in the summary lines: `generated` / `postbus generate`. */
export interface FileKind {
  readonly noun: string;
  readonly command: string;
}

/**
 * `--check`: names every file out of date, missing or no longer generated (`obsolete`) on stderr
 * and returns 1, or says they are up to date and returns 0. Writes nothing.
 */
export async function checkFiles(
  root: string,
  files: readonly GeneratedFile[],
  obsolete: readonly string[],
  kind: FileKind,
  io: { readonly out: (line: string) => void; readonly err: (line: string) => void },
): Promise<number> {
  const diff = diffFiles(
    files,
    await readGenerated(
      root,
      files.map((file) => file.path),
    ),
  );
  const stale = [
    ...diff.changed.map((file) => `${file} (out of date)`),
    ...diff.missing.map((file) => `${file} (missing)`),
    ...obsolete.map((file) => `${file} (no longer generated)`),
  ];
  if (stale.length === 0) {
    io.out(`postbus: ${files.length} ${kind.noun} files are up to date`);
    return 0;
  }
  for (const line of stale) io.err(`stale: ${line}`);
  io.err(`postbus: ${stale.length} ${kind.noun} files are stale; run ${kind.command} and commit the result`);
  return 1;
}

/**
 * Writes the files whose contents differ from disk (creating folders), then removes `obsolete`.
 * `onDisk` (the watch's memory of what it last read or wrote) saves reading files again.
 */
export async function writeFiles(
  root: string,
  files: readonly GeneratedFile[],
  obsolete: () => Promise<readonly string[]>,
  out: (line: string) => void,
  onDisk?: Map<string, string | undefined>,
): Promise<{ wrote: string[]; unchanged: number }> {
  const unknown = files.filter((file) => !onDisk?.has(file.path)).map((file) => file.path);
  const read = await readGenerated(root, unknown);
  for (const [file, contents] of read) onDisk?.set(file, contents);
  const diff = diffFiles(files, onDisk ?? read);
  const toWrite = new Set([...diff.changed, ...diff.missing]);
  const wrote: string[] = [];
  for (const file of files) {
    if (!toWrite.has(file.path)) continue;
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
    onDisk?.set(file.path, file.contents);
    wrote.push(file.path);
    out(`wrote ${file.path}`);
  }
  for (const file of await obsolete()) {
    await rm(path.join(root, file));
    out(`removed ${file}`);
  }
  return { wrote, unchanged: diff.unchanged.length };
}
