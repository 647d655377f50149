import path from "node:path";
import type { ResolvedConfig } from "../config/config.js";
import { CONFIG_FILE } from "../config/load-config.js";
import type { ScanResult } from "./scan-sources.js";

/**
 * The scan `generate` and `docs` run for the catalog: the config's `sources`, or `undefined`
 * when it lists none (then ts-morph is not even loaded). `configFile` is the config's absolute
 * path, for diagnostics about its entries.
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
): Promise<ScanResult | undefined> {
  if (config.sources.length === 0) return undefined;
  const { scanSources } = await import("./scan-sources.js");
  const origin = path.relative(config.root, configFile ?? path.join(config.root, CONFIG_FILE));
  return scanSources({
    root: config.root,
    sources: config.sources,
    origin: origin.split(path.sep).join("/"),
  });
}
