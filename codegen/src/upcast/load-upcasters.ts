import type { ResolvedConfig } from "../config/config.js";
import { emitTypes } from "../emit/emit-types.js";
import type { ContractModel, Diagnostic } from "../ir/model.js";
import { checkChains } from "./check-chains.js";
import { checkUpcasters } from "./check-upcasters.js";
import { findUpcasters } from "./find-upcasters.js";

/**
 * The upcaster phase of `generate`: finds the upcasters under the schema folder, checks each
 * against the types generated from `model` (ts-morph) and their chains, and returns the model
 * with its `upcasters`, or the problems. Without upcaster files it costs one directory walk.
 */
export async function loadUpcasters(
  model: ContractModel,
  config: ResolvedConfig,
): Promise<{ readonly model: ContractModel; readonly diagnostics: Diagnostic[] }> {
  const files = await findUpcasters(config.root, config.schemasDir);
  if (files.length === 0) return { model, diagnostics: [] };
  const checked = checkUpcasters(model, files, await emitTypes(model), config.types.name);
  const diagnostics = [...checked.diagnostics, ...checkChains(model, checked.steps)];
  return { model: { ...model, upcasters: checked.steps }, diagnostics };
}
