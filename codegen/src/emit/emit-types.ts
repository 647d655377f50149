import { compile, type JSONSchema } from "json-schema-to-typescript";
import type { ContractModel, NormalizedSchema } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { definitionDoc, eventDoc } from "./doc-text.js";
import { formatMissing, formatTypeScript, formatTypeScriptCached } from "./format-typescript.js";
import { ContentMemo } from "./memo.js";
import { modelKeys } from "./model-keys.js";
import { schemaForTypes } from "./schema-for-types.js";
import { isSchemaObject, mapSubschemas, refName } from "./walk-schema.js";

/** Options of json-schema-to-typescript; part of every declaration's memo key. */
const COMPILE_OPTIONS = {
  bannerComment: "",
  format: false,
  unreachableDefinitions: true,
  additionalProperties: true,
  strictIndexSignatures: true,
  ignoreMinAndMaxItems: true,
  unknownAny: true,
  declareExternallyReferenced: true,
  enableConstEnums: false,
} as const;

/**
 * Compiled declarations by the definitions' key and the contract's (an event's key, or a
 * definition's name): `--watch` skips preparing the schemas an edit did not change.
 */
const compiledContracts = new ContentMemo<Promise<string>>(10_000);

/** Compiled (unformatted) declarations by their prepared schema (names and docs included). */
const compiledDeclarations = new ContentMemo<Promise<string>>(10_000);

/**
 * Emits `types.ts`: one TypeScript declaration per definition (`Money`, `Side`, …)
 * and per event payload (`SignalTriggered`, `OrderPlacedV2`, …), with TSDoc from
 * the schemas' descriptions, examples and deprecations.
 *
 * Each declaration is compiled by json-schema-to-typescript on its own, titled
 * with the model's name, with every `#/$defs/Money` replaced by the type `Money`
 * (`tsType`), and formatted as Prettier formats it in the whole module. Both
 * steps are remembered (by the prepared schema, by the compiled text), so
 * `--watch` recompiles and reformats only the declarations that changed.
 * As json-schema-to-typescript orders one module, type aliases come first, then
 * interfaces, then enums, each in the model's order (definitions, then events).
 *
 * @example
 * ```ts
 * const source = await emitTypes(model);
 * // export interface SignalTriggered { symbol: Symbol; side: Side; … }
 * ```
 */
export async function emitTypes(model: ContractModel): Promise<string> {
  const names = new Set<string>();
  const pending: Promise<string>[] = [];
  const keys = modelKeys(model);
  const add = (key: string, name: string, schema: NormalizedSchema, doc: () => string) => {
    if (names.has(name)) throw new Error(`Two contracts are named ${name}; names must be unique`);
    names.add(name);
    pending.push(
      compiledContracts.get(`${keys.definitions}|${key}`, () => {
        const prepared = referencesAsTypes(schemaForTypes(schema)) as Record<string, unknown>;
        const { deprecated: _deprecated, ...rest } = prepared;
        const text = doc();
        return declaration(name, { ...rest, title: name, ...(text === "" ? {} : { description: text }) });
      }),
    );
  };
  for (const definition of model.definitions)
    add(`definition:${definition.name}`, definition.name, definition.schema, () => definitionDoc(definition));
  for (const event of model.events)
    add(`event:${keys.event(event)}`, event.typeName, event.schema, () => eventDoc(event));

  const banner = generatedBanner(modelSources(model));
  const compiled = await Promise.all(pending);
  await formatMissing(compiled);
  const bodies = inGeneratorOrder(await Promise.all(compiled.map(formatTypeScriptCached)));
  const formatted = bodies.length === 0 ? await formatTypeScript(banner) : `${banner}\n${bodies.join("\n")}`;
  // One blank line between top-level declarations, as a person would write them.
  return formatted.replaceAll(/(?<!\*\/)\n(?=\/\*\*|export )/g, "\n\n").replaceAll(/\n{3,}/g, "\n\n");
}

/** The (unformatted) declaration of the type `name`, compiled from its prepared schema. */
function declaration(name: string, schema: Record<string, unknown>): Promise<string> {
  const key = JSON.stringify([name, schema, COMPILE_OPTIONS]);
  return compiledDeclarations.get(key, async () => {
    const compiled = await compile(structuredClone(schema) as JSONSchema, name, { ...COMPILE_OPTIONS });
    return cleanUp(compiled);
  });
}

/** Type aliases, then interfaces, then enums (json-schema-to-typescript's order); stable otherwise. */
function inGeneratorOrder(bodies: readonly string[]): string[] {
  const rank = (body: string): number => {
    const keyword = /^export (?:declare )?(?:const )?(type|interface|enum) /m.exec(body)?.[1];
    return keyword === "type" ? 0 : keyword === "interface" ? 1 : 2;
  };
  return bodies
    .map((body, index) => ({ body, index, rank: rank(body) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ body }) => body);
}

/** `schema` with every `{ $ref: "#/$defs/<Name>" }` replaced by `{ tsType: "<Name>" }`. */
function referencesAsTypes(schema: NormalizedSchema): NormalizedSchema {
  if (!isSchemaObject(schema)) return schema;
  const mapped = mapSubschemas(schema, referencesAsTypes);
  if (!isSchemaObject(mapped) || typeof mapped.$ref !== "string") return mapped;
  const name = refName(mapped.$ref);
  if (name === undefined) return mapped;
  const { $ref: _ref, ...rest } = mapped;
  return { ...rest, tsType: name };
}

/** Trims lines and drops doc comments left empty. */
function cleanUp(source: string): string {
  const lines = source.split("\n").map((line) => line.trimEnd());
  return lines
    .join("\n")
    .replaceAll(/\n \*\n \*\//g, "\n */")
    .replaceAll(/\/\*\*\n \*\/\n/g, "")
    .trim()
    .concat("\n");
}
