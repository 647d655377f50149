import type { ResolvedConfig } from "../config/config.js";
import type { ContractModel, GeneratedFile } from "../ir/model.js";

/**
 * Emits every file of the types package (`<types.dir>/src/**`) from the model:
 * TypeScript types, zod validators, JSON Schemas and the event registry.
 * Paths are relative to `config.root`.
 */
export type EmitTypesPackage = (model: ContractModel, config: ResolvedConfig) => Promise<GeneratedFile[]>;
