import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { emitAsyncApi } from "../../../emit/asyncapi/index.js";
import { generate } from "../../../generate.js";
import { formatDiagnostic } from "../../../ir/diagnostic.js";
import type { Diagnostic } from "../../../ir/model.js";
import { loadProjectConfig } from "../../load-project-config.js";

/** Flags of `postbus asyncapi`. */
export interface AsyncApiFlags {
  readonly config?: string | undefined;
  /** File to write (relative to the current folder); default: print to stdout. */
  readonly out?: string | undefined;
}

/** Where `asyncapi` prints, and the folder the config and `--out` are relative to (default `process.cwd()`). */
export interface AsyncApiIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd?: string | undefined;
}

/**
 * `postbus asyncapi [--config path] [--out file]`: the AsyncAPI 3.0 document of every channel and
 * message, as JSON on stdout or in `--out`. Schema problems print like `generate`'s, exit 1.
 */
export async function asyncApiCommand(flags: AsyncApiFlags, io: AsyncApiIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const loaded = await loadProjectConfig(cwd, flags.config);
  if (loaded.config === undefined) return printDiagnostics(loaded.diagnostics, io);
  const result = await generate(loaded.config);
  if (result.model === undefined || result.diagnostics.length > 0)
    return printDiagnostics(result.diagnostics, io);
  const json = JSON.stringify(
    emitAsyncApi(result.model, {
      title: `${loaded.config.types.name} events`,
      version: loaded.config.types.version,
    }),
    null,
    2,
  );
  if (flags.out === undefined) {
    io.out(json);
    return 0;
  }
  const target = path.resolve(cwd, flags.out);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, `${json}\n`);
  io.err(`postbus: wrote ${flags.out}`);
  return 0;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], io: AsyncApiIo): number {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const count = diagnostics.length;
  io.err(`postbus: ${count} ${count === 1 ? "problem" : "problems"} found; nothing was written`);
  return 1;
}
