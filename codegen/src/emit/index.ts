import type { EmitTypesPackage } from "./emit-types-package.js";
import { typesPackageEmitter } from "./types-package-emitter.js";
import { emitZodModule } from "./zod/emit-zod.js";

export type { EmitTypesPackage } from "./emit-types-package.js";
export type { EmitZodModule } from "./emit-validators.js";
export { typesPackageEmitter } from "./types-package-emitter.js";

/**
 * Emits every file of the types package (`<types.dir>/src/**`) from the model:
 * TypeScript types, zod validators, JSON Schemas, the registry and the index.
 *
 * @example
 * ```ts
 * const files = await emitTypesPackage(model, config);
 * ```
 */
export const emitTypesPackage: EmitTypesPackage = typesPackageEmitter(emitZodModule);
