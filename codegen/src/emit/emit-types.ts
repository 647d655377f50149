import { compile, type JSONSchema } from "json-schema-to-typescript";
import type { ContractModel, NormalizedSchema } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { definitionDoc, eventDoc } from "./doc-text.js";
import { formatTypeScript } from "./format-typescript.js";
import { schemaForTypes } from "./schema-for-types.js";

/** Name of the synthetic root schema; its own (empty) declaration is removed from the output. */
const ROOT = "PostbusContractsRoot";

/**
 * Emits `types.ts`: one TypeScript declaration per definition (`Money`, `Side`, …)
 * and per event payload (`SignalTriggered`, `OrderPlacedV2`, …), with TSDoc from
 * the schemas' descriptions, examples and deprecations.
 *
 * All of them are compiled together by json-schema-to-typescript as the `$defs`
 * of one synthetic root, titled with the model's names, so `#/$defs/Money`
 * becomes the type `Money` everywhere.
 *
 * @example
 * ```ts
 * const source = await emitTypes(model);
 * // export interface SignalTriggered { symbol: Symbol; side: Side; … }
 * ```
 */
export async function emitTypes(model: ContractModel): Promise<string> {
  const defs: Record<string, NormalizedSchema> = {};
  const add = (name: string, schema: NormalizedSchema, doc: string) => {
    if (Object.hasOwn(defs, name)) throw new Error(`Two contracts are named ${name}; names must be unique`);
    const prepared = schemaForTypes(schema) as Record<string, unknown>;
    const { deprecated: _deprecated, ...rest } = prepared;
    defs[name] = { ...rest, title: name, ...(doc === "" ? {} : { description: doc }) };
  };
  for (const definition of model.definitions)
    add(definition.name, definition.schema, definitionDoc(definition));
  for (const event of model.events) add(event.typeName, event.schema, eventDoc(event));

  const root = { title: ROOT, type: "object", additionalProperties: false, $defs: structuredClone(defs) };
  const compiled = await compile(root as JSONSchema, ROOT, {
    bannerComment: "",
    format: false,
    unreachableDefinitions: true,
    additionalProperties: true,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    declareExternallyReferenced: true,
    enableConstEnums: false,
  });
  const body = cleanUp(compiled);
  const formatted = await formatTypeScript(`${generatedBanner(modelSources(model))}\n${body}`);
  // One blank line between top-level declarations, as a person would write them.
  return formatted.replaceAll(/(?<!\*\/)\n(?=\/\*\*|export )/g, "\n\n").replaceAll(/\n{3,}/g, "\n\n");
}

/** Drops the root's declaration and json-schema-to-typescript's "referenced by" notes. */
function cleanUp(source: string): string {
  const lines = source
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(
      (line) =>
        !line.startsWith(` * This interface was referenced by \`${ROOT}\``) &&
        !/^ \* via the `definition` ".*"\.$/.test(line),
    );
  return lines
    .join("\n")
    .replaceAll(/\n \*\n \*\//g, "\n */")
    .replaceAll(/\/\*\*\n \*\/\n/g, "")
    .replace(new RegExp(`export interface ${ROOT} \\{\\s*\\}\\n?`), "")
    .trim()
    .concat("\n");
}
