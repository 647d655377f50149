/**
 * The Ajv the generator validates with, in a module of its own, which the example check imports only
 * when a subject has to be compiled. (ajv still loads with the catalog: `compat/counterexample.ts`,
 * which judges version transitions, imports this module statically.)
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { AJV_COMPILE_OPTIONS } from "./ajv-options.js";
import { SUPPORTED_FORMATS } from "./keywords.js";

type AddFormats = (ajv: Ajv2020, formats: string[]) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/**
 * The Ajv the generator validates with: 2020-12, not strict, every error, the supported formats, the
 * generated validators' `multipleOf` tolerance. Other
 * formats are annotations (validate/ reported them), so ajv's "unknown format ignored" warning is off.
 */
export function createAjv(): Ajv2020 {
  return addFormats(new Ajv2020({ ...AJV_COMPILE_OPTIONS }), [...SUPPORTED_FORMATS]);
}
