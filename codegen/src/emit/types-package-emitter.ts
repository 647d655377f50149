import type { ResolvedConfig } from "../config/config.js";
import type { ContractModel, GeneratedFile } from "../ir/model.js";
import { generatedBanner } from "./banner.js";
import { emitIndex } from "./emit-index.js";
import { emitJsonSchemas } from "./emit-json-schemas.js";
import { emitRegistry, upcasterModule } from "./emit-registry.js";
import { emitTypes } from "./emit-types.js";
import type { EmitTypesPackage } from "./emit-types-package.js";
import { type EmitZodModule, emitValidators } from "./emit-validators.js";

/**
 * Builds the types-package emitter around a zod emitter: the files of
 * `<types.dir>/src/` — `types.ts`, `validators.ts`, `schemas.ts`, `registry.ts`,
 * `index.ts` and a copy of each upcaster in `upcasters/` — sorted by path, byte-identical for the same model.
 *
 * @example
 * ```ts
 * const emit = typesPackageEmitter(emitZodModule);
 * const files = await emit(model, config); // [{ path: "packages/types/src/index.ts", contents }, …]
 * ```
 */
export function typesPackageEmitter(emitZodModule: EmitZodModule): EmitTypesPackage {
  return async (model: ContractModel, config: ResolvedConfig): Promise<GeneratedFile[]> => {
    const dir = `${config.types.dir.replaceAll("\\", "/").replace(/\/+$/, "")}/src`;
    const [types, validators, schemas, registry, index] = await Promise.all([
      emitTypes(model),
      emitValidators(model, emitZodModule),
      emitJsonSchemas(model),
      emitRegistry(model),
      emitIndex(model),
    ]);
    const files: GeneratedFile[] = [
      { path: `${dir}/index.ts`, contents: index },
      { path: `${dir}/registry.ts`, contents: registry },
      { path: `${dir}/schemas.ts`, contents: schemas },
      { path: `${dir}/types.ts`, contents: types },
      { path: `${dir}/validators.ts`, contents: validators },
      ...(model.upcasters ?? []).map((step) => ({
        path: `${dir}/${upcasterModule(step)}.ts`,
        contents: `${generatedBanner([step.source.file])}\n${step.packageText}`,
      })),
    ];
    return files;
  };
}
