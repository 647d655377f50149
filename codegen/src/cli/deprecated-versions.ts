/**
 * Which contract versions are deprecated, for `postbus status`: read from the contracts of
 * the config found from the current folder upward (or `--config`), as `postbus publish` finds
 * them. The database cannot tell — the envelope carries the version, not its deprecation — and
 * the contracts are where a team decides it, so the status reads them rather than a copy.
 */
import type { ContractVersionRef } from "@postbus/client";
import { loadConfig } from "../config/load-config.js";
import { loadModel } from "../generate.js";
import { loadProjectConfig } from "./load-project-config.js";
import { usageError } from "./usage-error.js";

/** The deprecated versions and the config they came from, or undefined when no config is found. */
export interface DeprecatedVersions {
  readonly versions: readonly ContractVersionRef[];
  readonly configFile: string;
}

/**
 * Loads the contracts of the config at `configPath`, or the one found from `cwd` upward, and
 * lists every version marked `x-postbus.deprecated`. Contracts that do not load are a usage error.
 *
 * @example
 * ```ts
 * const found = await deprecatedVersions(process.cwd(), flags.config);
 * found?.versions; // [{ eventType: "order.placed", version: 1 }]
 * ```
 */
export async function deprecatedVersions(
  cwd: string,
  configPath: string | undefined,
): Promise<DeprecatedVersions | undefined> {
  // A --config that names no file is a usage error; no config found upward means nothing to check.
  const loaded =
    configPath === undefined ? await loadConfig({ cwd }) : await loadProjectConfig(cwd, configPath);
  if (loaded.file === undefined) return undefined;
  const problems = loaded.config === undefined ? loaded.diagnostics : undefined;
  const model =
    loaded.config === undefined ? undefined : await loadModel(loaded.config, { checkExamples: false });
  const diagnostics = problems ?? model?.diagnostics ?? [];
  if (model?.model === undefined) {
    const first = diagnostics[0];
    throw usageError(
      `The contracts of ${loaded.file} do not load (${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"}; first: ${first?.location.file ?? ""}:${first?.location.line ?? ""} ${first?.message ?? ""})`,
      "Fix them (postbus generate lists every problem), or run status where no config is found",
    );
  }
  return {
    configFile: loaded.file,
    versions: model.model.events
      .filter((event) => event.deprecated !== false)
      .map((event) => ({ eventType: event.eventType, version: event.version })),
  };
}
