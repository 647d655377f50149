/** Builds a {@link ContractSide} from a schema source: the generator's own load → validate → model phases. */
import type { ResolvedConfig } from "../config/config.js";
import { createGenerateCache, type GenerateCache, loadModel } from "../generate.js";
import { sortDiagnostics } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import type { SchemaSource } from "../load/load-schemas.js";
import { loadUpcasters } from "../upcast/load-upcasters.js";
import { type ContractSide, contractSide } from "./contract-side.js";

/** A side, or the contract problems that keep it from being built. */
export type LoadedSide =
  | { readonly side: ContractSide; readonly diagnostics: readonly [] }
  | { readonly side: undefined; readonly diagnostics: readonly Diagnostic[] };

/**
 * Loads the contracts of `source` (default: the working tree) as `label`. Pass one
 * `cache` to several calls to parse each distinct file text once. With `upcasters`
 * (the working tree only: they are read from disk), the upcasters next to the contracts
 * are found and type-checked as `generate` does, and land in the model's `upcasters`;
 * their problems keep the side from loading.
 */
export async function loadSide(
  config: ResolvedConfig,
  label: string,
  source?: SchemaSource,
  cache: GenerateCache = createGenerateCache(),
  options: { readonly upcasters?: boolean } = {},
): Promise<LoadedSide> {
  // Examples are `generate`'s to check; the checker re-checks any it uses.
  const loaded = await loadModel(config, { cache, source, checkExamples: false });
  if (loaded.model === undefined) return { side: undefined, diagnostics: loaded.diagnostics };
  if (options.upcasters !== true || source !== undefined)
    return { side: contractSide(label, loaded.model, loaded.files), diagnostics: [] };
  const upcast = await loadUpcasters(loaded.model, config);
  if (upcast.diagnostics.length > 0)
    return { side: undefined, diagnostics: sortDiagnostics(upcast.diagnostics) };
  return { side: contractSide(label, upcast.model, loaded.files), diagnostics: [] };
}
