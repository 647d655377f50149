import type { ResolvedConfig } from "../config/config.js";
import type { ContractModel, Diagnostic } from "../ir/model.js";
import { checkChains } from "./check-chains.js";
import { findUpcasters } from "./find-upcasters.js";

/**
 * The upcaster phase of `generate`: finds the upcasters under the schema folder, checks each
 * against the types generated from `model` (ts-morph) and their chains, and returns the model
 * with its `upcasters`, or the problems. Without upcaster files it costs one directory walk and
 * never loads ts-morph.
 */
export async function loadUpcasters(
  model: ContractModel,
  config: ResolvedConfig,
): Promise<{ readonly model: ContractModel; readonly diagnostics: Diagnostic[] }> {
  const files = await findUpcasters(config.root, config.schemasDir);
  if (files.length === 0) return { model, diagnostics: [] };
  // ts-morph (and the TypeScript compiler) and the types emitter load only when there are upcasters: `postbus check`
  // and every other command that builds a model stay as fast to start as before.
  const [{ checkUpcasters }, { emitTypes }] = await Promise.all([
    import("./check-upcasters.js"),
    import("../emit/emit-types.js"),
  ]);
  const checked = checkUpcasters(model, files, await emitTypes(model), config.types.name);
  const diagnostics = [...checked.diagnostics, ...checkChains(model, checked.steps)];
  return { model: { ...model, upcasters: checked.steps }, diagnostics };
}
