import path from "node:path";
import type { ResolvedConfig } from "../config/config.js";
import { CONFIG_FILE } from "../config/load-config.js";
import type { CodeParties } from "../ir/code-parties.js";
import { formatDiagnostic } from "../ir/diagnostic.js";
import type { ContractModel, GeneratedFile } from "../ir/model.js";
import { codeParties } from "./code-parties.js";
import type { ScanResult } from "./scan-sources.js";

/**
 * The scan `generate` and `docs` run for the catalog: the config's `sources`, or `undefined`
 * when it lists none (then ts-morph is not even loaded). `configFile` is the config's absolute
 * path, for diagnostics about its entries; `generated`, the types package `generate` is about to
 * write, which the scan reads instead of the one on disk.
 *
 * @example
 * ```ts
 * const scanned = await catalogScan(config, loaded.file);
 * emitCatalog(model, config, scanned && codeParties(scanned.scan, model));
 * ```
 */
export async function catalogScan(
  config: ResolvedConfig,
  configFile: string | undefined,
  generated?: readonly GeneratedFile[],
): Promise<ScanResult | undefined> {
  if (config.sources.length === 0) return undefined;
  const { scanSources } = await import("./scan-sources.js");
  const origin = path.relative(config.root, configFile ?? path.join(config.root, CONFIG_FILE));
  return scanSources({
    root: config.root,
    sources: config.sources,
    origin: origin.split(path.sep).join("/"),
    overrides: generated,
  });
}

/**
 * The code's producers and consumers for the catalog `generate` writes, scanned against the
 * types package it is generating: `undefined` without `sources`, and also when the scan has
 * problems — those are printed through `warn` (the types package is still generated; the catalog
 * then lists the declarations only, and `postbus scan` or `docs` fail on the same problems).
 */
export async function scannedParties(
  config: ResolvedConfig,
  configFile: string | undefined,
  model: ContractModel,
  generated: readonly GeneratedFile[],
  warn: (line: string) => void,
): Promise<CodeParties | undefined> {
  const scanned = await catalogScan(config, configFile, generated);
  if (scanned === undefined) return undefined;
  if (scanned.diagnostics.length === 0) return codeParties(scanned.scan, model);
  for (const problem of scanned.diagnostics) warn(formatDiagnostic(problem));
  warn("postbus: the catalog lists the declared producers and consumers only; fix the sources above");
  return undefined;
}
