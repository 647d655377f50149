import type { ContractModel, NormalizedSchema } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { definitionClosure } from "./definition-closure.js";
import { docComment } from "./doc-text.js";
import { isSchemaObject } from "./walk-schema.js";

/** The dialect every emitted schema declares. */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** Export name of the JSON Schema of a definition or event payload type. */
export const jsonSchemaName = (typeName: string): string => `${typeName}JsonSchema`;

/**
 * Emits `schemas.ts`: the normalized JSON Schema (2020-12) of every definition and
 * event payload as an `as const` object. Each is standalone: its `$defs` carry
 * every definition it references, so any JSON Schema validator can use it as is.
 *
 * @example
 * ```ts
 * const source = emitJsonSchemas(model);
 * // export const SignalTriggeredJsonSchema = { $schema: "…", title: "SignalTriggered", … } as const;
 * ```
 */
export function emitJsonSchemas(model: ContractModel): string {
  const declarations: string[] = [];
  for (const definition of model.definitions) {
    declarations.push(
      declaration(
        jsonSchemaName(definition.name),
        `JSON Schema of the shared definition \`${definition.name}\`.`,
        standalone(model, definition.name, definition.schema),
      ),
    );
  }
  for (const event of model.events) {
    declarations.push(
      declaration(
        jsonSchemaName(event.typeName),
        `JSON Schema of the payload of \`${event.eventType}\` version ${event.version} (type \`${event.typeName}\`).`,
        standalone(model, event.typeName, event.schema),
      ),
    );
  }
  const body = declarations.length === 0 ? "export {};\n" : declarations.join("\n");
  // Already laid out by JSON.stringify; Prettier would only re-quote keys, at seconds per
  // hundred schemas (each standalone schema repeats the definitions it needs).
  return `${generatedBanner(modelSources(model))}\n${body}`;
}

/**
 * `schema` as a standalone document: `$schema`, a `title` (the type's name when
 * the schema has none) and the `$defs` it needs.
 */
export function standalone(model: ContractModel, name: string, schema: NormalizedSchema): object {
  const body = isSchemaObject(schema)
    ? withoutKeys(schema, ["$schema", "$id", "$defs"])
    : schema
      ? {}
      : { not: {} };
  const defs = definitionClosure(model, schema).map(
    (definition) =>
      [
        definition.name,
        isSchemaObject(definition.schema)
          ? withoutKeys(definition.schema, ["$schema", "$id", "$defs"])
          : definition.schema,
      ] as const,
  );
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: name,
    ...body,
    ...(defs.length === 0 ? {} : { $defs: Object.fromEntries(defs) }),
  };
}

function declaration(name: string, doc: string, schema: object): string {
  return `${docComment(doc)}export const ${name} = ${JSON.stringify(schema, null, 2)} as const;\n`;
}

function withoutKeys(schema: { readonly [keyword: string]: unknown }, keys: readonly string[]) {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)));
}
