import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { definitionClosure } from "./definition-closure.js";
import { docComment } from "./doc-text.js";
import { isSchemaObject } from "./walk-schema.js";

/** The dialect every emitted schema declares. */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** The type every emitted JSON Schema constant is declared with (exported by `schemas.ts`). */
export const JSON_SCHEMA_TYPE = "JsonSchemaDocument";

/** Export name of the JSON Schema of a definition or event payload type. */
export const jsonSchemaName = (typeName: string): string => `${typeName}JsonSchema`;

/**
 * Emits `schemas.ts`: the normalized JSON Schema (2020-12) of every definition and
 * event payload, declared as a {@link JSON_SCHEMA_TYPE} (not `as const`: the literal
 * types of a few hundred standalone schemas made an 8 MB declaration file and a
 * 13 s longer build). Each is standalone: its `$defs` carry every definition it
 * references, so any JSON Schema validator can use it as is.
 *
 * @example
 * ```ts
 * const source = emitJsonSchemas(model);
 * // export const SignalTriggeredJsonSchema: JsonSchemaDocument = { $schema: "…", title: "SignalTriggered", … };
 * ```
 */
export function emitJsonSchemas(model: ContractModel): string {
  // Pieces joined once at the end: the file is megabytes, each definition repeated in every `$defs` that needs it.
  const parts: string[] = [
    generatedBanner(modelSources(model)),
    "\n",
    docComment("A JSON Schema document (2020-12): the type of every JSON Schema this module exports."),
    `export type ${JSON_SCHEMA_TYPE} = { readonly [keyword: string]: unknown };\n`,
  ];
  const write = standaloneWriter(model, parts);
  const declare = (name: string, doc: string, schema: NormalizedSchema, typeName: string) => {
    parts.push("\n", docComment(doc), `export const ${name}: ${JSON_SCHEMA_TYPE} = `);
    write(typeName, schema);
    parts.push(";\n");
  };
  for (const definition of model.definitions) {
    declare(
      jsonSchemaName(definition.name),
      `JSON Schema of the shared definition \`${definition.name}\`.`,
      definition.schema,
      definition.name,
    );
  }
  for (const event of model.events) {
    declare(
      jsonSchemaName(event.typeName),
      `JSON Schema of the payload of \`${event.eventType}\` version ${event.version} (type \`${event.typeName}\`).`,
      event.schema,
      event.typeName,
    );
  }
  // Already laid out by JSON.stringify; Prettier would only re-quote keys, at seconds per
  // hundred schemas (each standalone schema repeats the definitions it needs).
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
 * Writes `JSON.stringify(standalone(model, name, schema), null, 2)` to `parts`,
 * built from pieces: each definition's text is stringified once per model and
 * indented into every `$defs` that needs it, instead of stringified again for
 * each schema.
 */
function standaloneWriter(
  model: ContractModel,
  parts: string[],
): (name: string, schema: NormalizedSchema) => void {
  const definitionTexts = new Map<string, string>();
  const definitionText = (definition: SchemaDefinition): string => {
    let text = definitionTexts.get(definition.name);
    if (text === undefined) {
      const json = JSON.stringify(withoutDocumentKeys(definition.schema), null, 2);
      text = `    ${JSON.stringify(definition.name)}: ${json.replaceAll("\n", "\n    ")}`;
      definitionTexts.set(definition.name, text);
    }
    return text;
  };
  return (name, schema) => {
    const head = JSON.stringify(
      { $schema: JSON_SCHEMA_DIALECT, title: name, ...standaloneBody(schema) },
      null,
      2,
    );
    const defs = definitionClosure(model, schema);
    if (defs.length === 0) {
      parts.push(head);
      return;
    }
    parts.push(head.slice(0, -2), ',\n  "$defs": {\n');
    defs.forEach((definition, index) => {
      if (index > 0) parts.push(",\n");
      parts.push(definitionText(definition));
    });
    parts.push("\n  }\n}");
  };
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
