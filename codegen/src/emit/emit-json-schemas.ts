import type { ContractModel, NormalizedSchema } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { definitionClosure } from "./definition-closure.js";
import { docComment } from "./doc-text.js";
import { ContentMemo } from "./memo.js";
import { modelKeys } from "./model-keys.js";
import { isSchemaObject } from "./walk-schema.js";

/** The dialect every emitted schema declares. */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** The type every emitted JSON Schema constant is declared with (exported by `schemas.ts`). */
export const JSON_SCHEMA_TYPE = "JsonSchemaDocument";

/** Export name of the JSON Schema of a definition or event payload type. */
export const jsonSchemaName = (typeName: string): string => `${typeName}JsonSchema`;

/** The module-private table of `schemas.ts` that holds every shared definition once. */
const DEFINITIONS_TABLE = "sharedDefinitions";

/**
 * Emits `schemas.ts`: the normalized JSON Schema (2020-12) of every definition and
 * event payload, declared as a {@link JSON_SCHEMA_TYPE} (not `as const`: the literal
 * types of a few hundred standalone schemas made an 8 MB declaration file and a
 * 13 s longer build). Each is standalone: its `$defs` carry every definition it
 * references, so any JSON Schema validator can use it as is. The module writes each
 * definition once, in a private table, and every `$defs` refers to those objects: the
 * exported values are the standalone documents ({@link standalone}), while the source
 * stays about as large as the schemas themselves (repeating each definition in every
 * `$defs` made the 300-schema bench corpus a 5.3 MB module).
 *
 * @example
 * ```ts
 * const source = emitJsonSchemas(model);
 * // export const SignalTriggeredJsonSchema: JsonSchemaDocument = { $schema: "…", title: "SignalTriggered", … };
 * ```
 */
export function emitJsonSchemas(model: ContractModel): string {
  const keys = modelKeys(model);
  const parts: string[] = [
    generatedBanner(modelSources(model)),
    "\n",
    docComment("A JSON Schema document (2020-12): the type of every JSON Schema this module exports."),
    `export type ${JSON_SCHEMA_TYPE} = { readonly [keyword: string]: unknown };\n`,
    declarations.get(`${keys.definitions}|table`, () => definitionsTable(model)),
  ];
  const declare = (name: string, doc: string, schema: NormalizedSchema, typeName: string) =>
    [
      "\n",
      docComment(doc),
      `export const ${name}: ${JSON_SCHEMA_TYPE} = `,
      standaloneText(model, typeName, schema),
      ";\n",
    ].join("");
  for (const definition of model.definitions) {
    parts.push(
      declarations.get(`${keys.definitions}|definition:${definition.name}`, () =>
        declare(
          jsonSchemaName(definition.name),
          `JSON Schema of the shared definition \`${definition.name}\`.`,
          definition.schema,
          definition.name,
        ),
      ),
    );
  }
  for (const event of model.events) {
    parts.push(
      declarations.get(`${keys.definitions}|event:${keys.event(event)}`, () =>
        declare(
          jsonSchemaName(event.typeName),
          `JSON Schema of the payload of \`${event.eventType}\` version ${event.version} (type \`${event.typeName}\`).`,
          event.schema,
          event.typeName,
        ),
      ),
    );
  }
  return parts.join("");
}

/**
 * `schema` as a standalone document: `$schema`, a `title` (the type's name when
 * the schema has none) and the `$defs` it needs.
 */
export function standalone(model: ContractModel, name: string, schema: NormalizedSchema): object {
  const body = standaloneBody(schema);
  const defs = definitionClosure(model, schema).map(
    (definition) => [definition.name, withoutDocumentKeys(definition.schema)] as const,
  );
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: name,
    ...body,
    ...(defs.length === 0 ? {} : { $defs: Object.fromEntries(defs) }),
  };
}

/**
 * Each declaration's text and the definitions table, by the definitions' key and the event's (or
 * the definition's name): `--watch` rewrites only the schemas an edit changed.
 */
const declarations = new ContentMemo<string>(20_000);

/** `const sharedDefinitions = { "Money": {…}, … };`: each definition as a `$defs` entry holds it. */
function definitionsTable(model: ContractModel): string {
  if (model.definitions.length === 0) return "";
  const entries = model.definitions.map((definition) => {
    const json = JSON.stringify(withoutDocumentKeys(definition.schema), null, 2);
    return `  ${JSON.stringify(definition.name)}: ${json.replaceAll("\n", "\n  ")}`;
  });
  return [
    "\n",
    docComment(
      "Every shared definition once, without `$schema`, `$id` and `$defs`: each schema's `$defs` below refers to these objects.",
    ),
    `const ${DEFINITIONS_TABLE}: { readonly [name: string]: unknown } = {\n${entries.join(",\n")},\n};\n`,
  ].join("");
}

/**
 * The source of {@link standalone}`(model, name, schema)`: its JSON, but each `$defs` entry an
 * element of the definitions table (the same value).
 */
function standaloneText(model: ContractModel, name: string, schema: NormalizedSchema): string {
  const head = JSON.stringify(
    { $schema: JSON_SCHEMA_DIALECT, title: name, ...standaloneBody(schema) },
    null,
    2,
  );
  const defs = definitionClosure(model, schema);
  if (defs.length === 0) return head;
  const entries = defs.map((definition) => {
    const key = JSON.stringify(definition.name);
    return `    ${key}: ${DEFINITIONS_TABLE}[${key}]`;
  });
  return `${head.slice(0, -2)},\n  "$defs": {\n${entries.join(",\n")},\n  },\n}`;
}

function standaloneBody(schema: NormalizedSchema): object {
  return isSchemaObject(schema)
    ? withoutKeys(schema, ["$schema", "$id", "$defs"])
    : schema
      ? {}
      : { not: {} };
}

function withoutDocumentKeys(schema: NormalizedSchema): unknown {
  return isSchemaObject(schema) ? withoutKeys(schema, ["$schema", "$id", "$defs"]) : schema;
}

function withoutKeys(schema: { readonly [keyword: string]: unknown }, keys: readonly string[]) {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)));
}
