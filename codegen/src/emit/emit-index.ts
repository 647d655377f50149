import type { ContractModel } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { formatTypeScript } from "./format-typescript.js";

/**
 * Emits the types package's `index.ts`: re-exports the types, the zod
 * validators, the JSON Schemas and the registry.
 *
 * @example
 * ```ts
 * import { contracts, type SignalTriggered, SignalTriggeredSchema } from "@postbus/types";
 * ```
 */
export function emitIndex(model: ContractModel): Promise<string> {
  const source = [
    generatedBanner(modelSources(model)),
    'export * from "./registry.js";',
    'export * from "./schemas.js";',
    'export * from "./types.js";',
    'export * from "./validators.js";',
    "",
  ].join("\n");
  return formatTypeScript(source);
}
