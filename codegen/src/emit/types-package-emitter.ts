import type { ResolvedConfig } from "../config/config.js";
import type { ContractModel, GeneratedFile } from "../ir/model.js";
import { generatedBanner } from "./banner.js";
import { emitIndex } from "./emit-index.js";
import { emitJsonSchemas } from "./emit-json-schemas.js";
import { emitRegistry, upcasterModule } from "./emit-registry.js";
import { emitTypes } from "./emit-types.js";
import type { EmitTypesPackage } from "./emit-types-package.js";
import { type EmitZodModule, emitValidators } from "./emit-validators.js";
import { emitPackageJson } from "./package/emit-package-json.js";
import { emitPackageReadme } from "./package/emit-package-readme.js";

/**
 * Builds the types-package emitter around a zod emitter: the sources of
 * `<types.dir>/src/` — `types.ts`, `validators.ts`, `schemas.ts`, `registry.ts`,
 * `index.ts` and a copy of each upcaster in `upcasters/` — and the package's
 * `package.json` and `README.md`, sorted by path, byte-identical for the same
 * model and config. `build/` compiles the sources into `<types.dir>/dist/`.
 *
 * @example
 * ```ts
 * const emit = typesPackageEmitter(emitZodModule);
 * const files = await emit(model, config); // [{ path: "packages/types/src/index.ts", contents }, …]
 * ```
 */
export function typesPackageEmitter(emitZodModule: EmitZodModule): EmitTypesPackage {
  return async (model: ContractModel, config: ResolvedConfig): Promise<GeneratedFile[]> => {
    const packageDir = config.types.dir.replaceAll("\\", "/").replace(/\/+$/, "");
    const dir = `${packageDir}/src`;
    const [types, validators, schemas, registry, index] = await Promise.all([
      emitTypes(model),
      emitValidators(model, emitZodModule),
      emitJsonSchemas(model),
      emitRegistry(model),
      emitIndex(model),
    ]);
    const files: GeneratedFile[] = [
      { path: `${packageDir}/README.md`, contents: emitPackageReadme(model, config) },
      { path: `${packageDir}/package.json`, contents: emitPackageJson(config) },
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
