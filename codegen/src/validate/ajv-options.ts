import { createRequire } from "node:module";

/**
 * The tolerance of `multipleOf` for binary floating point, as ajv's `multipleOfPrecision`: 19.99 is a
 * multiple of 0.01 although `19.99 / 0.01` is 1998.9999999999998. The generated zod validators apply the
 * same one (`MULTIPLE_OF_PRECISION` of `emit/zod/`), so an example the generator accepts is one they accept.
 */
export const MULTIPLE_OF_PRECISION = 9;

/** The options of the generator's Ajv (`createAjv`) that decide what it accepts and reports. */
export const AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  multipleOfPrecision: MULTIPLE_OF_PRECISION,
  validateFormats: true,
  validateSchema: false,
  logger: false,
} as const;

/**
 * Options that change how fast a schema compiles, never what it accepts or which errors it reports:
 * no optimization passes over the generated code and no inlining of `$ref`ed schemas (each schema the
 * generator compiles validates a handful of examples once).
 */
const COMPILE_SPEED = { code: { optimize: false }, inlineRefs: false } as const;

/** {@link AJV_OPTIONS} with the compile-speed options: what the generator's Ajv is created with. */
export const AJV_COMPILE_OPTIONS = { ...AJV_OPTIONS, ...COMPILE_SPEED } as const;

/** The versions of ajv and ajv-formats installed, read from their package.json files (neither is loaded). */
export function ajvVersions(): readonly string[] {
  const require = createRequire(import.meta.url);
  return ["ajv/package.json", "ajv-formats/package.json"].map(
    (file) => (require(file) as { version: string }).version,
  );
}
