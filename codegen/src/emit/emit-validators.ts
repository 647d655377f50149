import type { ContractModel } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { formatByStatement } from "./format-typescript.js";

/** Turns a model into the source of a zod module (`<Name>Schema` per definition and event payload). */
export type EmitZodModule = (model: ContractModel) => string;

/**
 * Emits `validators.ts` with the zod emitter: puts the package's banner in place
 * of the zod module's own "generated" header line, and formats it like every
 * other generated file, statement by statement (each remembered by its text, so
 * `--watch` reformats only the validators whose schema changed).
 */
export function emitValidators(model: ContractModel, emitZodModule: EmitZodModule): Promise<string> {
  const source = emitZodModule(model);
  const firstLineEnd = source.indexOf("\n");
  const firstLine = firstLineEnd === -1 ? source : source.slice(0, firstLineEnd);
  const body = /^\/\/.*generated/i.test(firstLine)
    ? firstLineEnd === -1
      ? ""
      : source.slice(firstLineEnd + 1)
    : source;
  return formatByStatement(`${generatedBanner(modelSources(model))}\n${body.trimStart()}`);
}
