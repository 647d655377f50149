/**
 * The example domain (`schemas/` at the repository root) as the catalog emitters see it:
 * the config, the model from `generate` and the emitted catalog files.
 */
import { fileURLToPath } from "node:url";
import type { ResolvedConfig } from "../../../codegen/src/config/config.js";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import { generate } from "../../../codegen/src/generate.js";
import type { ContractModel } from "../../../codegen/src/ir/model.js";

/** The repository's root folder. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The example domain's resolved config and model; fails with the diagnostics if the schemas are invalid. */
export async function exampleModel(): Promise<{ config: ResolvedConfig; model: ContractModel }> {
  const loaded = await loadConfig({ cwd: REPOSITORY_ROOT });
  if (loaded.config === undefined) throw new Error(`no config: ${JSON.stringify(loaded.diagnostics)}`);
  const result = await generate(loaded.config);
  if (result.model === undefined) throw new Error(`invalid schemas: ${JSON.stringify(result.diagnostics)}`);
  return { config: loaded.config, model: result.model };
}
