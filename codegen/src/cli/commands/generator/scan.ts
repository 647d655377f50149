import path from "node:path";
import { CONFIG_FILE, loadConfig } from "../../../config/load-config.js";
import { loadModel } from "../../../generate.js";
import { formatDiagnostic } from "../../../ir/diagnostic.js";
import type { Diagnostic } from "../../../ir/model.js";
import { compareDeclarations } from "../../../scan/compare-declarations.js";
import { formatScanJson, formatScanText } from "../../../scan/format-scan.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus scan`. */
export interface ScanFlags {
  readonly config?: string | undefined;
  readonly json?: boolean | undefined;
  readonly check?: boolean | undefined;
}

/** Where `scan` prints, and the folder the config and the sources given as arguments are relative to. */
export interface ScanIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd?: string | undefined;
}

/** The usage line of `postbus scan`. */
export const SCAN_USAGE = "Usage: postbus scan [tsconfig.json | glob...] [--config PATH] [--json] [--check]";

/**
 * `postbus scan [source...] [--config path] [--json] [--check]`: reads the application's
 * TypeScript (the arguments — tsconfig files or globs, relative to the current folder — else
 * the config's `sources`), prints per event type who publishes and consumes it with
 * file:line, and the drift against the contracts' `x-postbus` producers and consumers. Exit 0;
 * with `--check`, 1 when there is drift. Source or schema problems print as
 * `file:line:column: CODE message (hint)`, exit 1; no sources at all is a usage error, exit 2.
 */
export async function scanCommand(args: readonly string[], flags: ScanFlags, io: ScanIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const loaded = await loadConfig({ cwd, configPath: flags.config });
  if (loaded.config === undefined) return printDiagnostics(loaded.diagnostics, io);
  const config = loaded.config;
  const fromArgs = args.length > 0;
  const sources = fromArgs ? args : config.sources;
  if (sources.length === 0)
    throw usageError(
      "postbus scan has no sources to read",
      `List the application's tsconfig files or globs in the "sources" of ${loaded.file ?? "postbus.config.json"}, or give them: postbus scan tsconfig.json`,
    );
  const model = await loadModel(config, { checkExamples: false });
  if (model.model === undefined) return printDiagnostics(model.diagnostics, io);
  // ts-morph (and the TypeScript compiler in it) loads only when a scan runs: every other command starts without it.
  const { scanSources } = await import("../../../scan/scan-sources.js");
  const result = scanSources({
    root: config.root,
    sources,
    base: fromArgs ? cwd : config.root,
    origin: fromArgs ? undefined : toPosix(path.relative(config.root, loaded.file ?? CONFIG_FILE)),
  });
  const badArguments = fromArgs ? result.diagnostics.filter((d) => d.code === "POSTBUS_SCAN_SOURCES") : [];
  if (badArguments.length > 0)
    throw usageError(badArguments.map((d) => d.message).join("; "), badArguments[0]?.hint);
  if (result.diagnostics.length > 0) return printDiagnostics(result.diagnostics, io);
  const locate = (file: string, pointer: string) => model.files.get(file)?.parsed.locate(pointer);
  const report = { scan: result.scan, drift: compareDeclarations(result.scan, model.model, locate) };
  if (flags.json) io.out(formatScanJson(report));
  else for (const line of formatScanText(report)) io.out(line);
  return flags.check && report.drift.length > 0 ? 1 : 0;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], io: ScanIo): number {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const count = diagnostics.length;
  io.err(`postbus: ${count} ${count === 1 ? "problem" : "problems"} found`);
  return 1;
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
