/**
 * A minimal stand-in for the zod emitter (`codegen/src/emit/zod`), for emitter
 * tests only: objects, strings, numbers, booleans, null, arrays, enums, refs and
 * unions. It exports `<Name>Schema` per definition and `<typeName>Schema` per event.
 */
import type { ContractModel, NormalizedSchema } from "../../../../codegen/src/ir/model.js";

export function fallbackZodModule(model: ContractModel): string {
  const lines = ['import { z } from "zod";', ""];
  for (const definition of model.definitions) {
    lines.push(`export const ${definition.name}Schema = ${toZod(definition.schema)};`);
  }
  for (const event of model.events) {
    lines.push(`export const ${event.typeName}Schema = ${toZod(event.schema)};`);
  }
  return `${lines.join("\n")}\n`;
}

function toZod(schema: NormalizedSchema): string {
  if (schema === true) return "z.unknown()";
  if (schema === false) return "z.never()";
  if (typeof schema.$ref === "string") return `${schema.$ref.replace("#/$defs/", "")}Schema`;
  if (Array.isArray(schema.enum)) {
    return `z.enum([${schema.enum.map((value) => JSON.stringify(value)).join(", ")}])`;
  }
  const union = (schema.oneOf ?? schema.anyOf) as NormalizedSchema[] | undefined;
  if (union) return `z.union([${union.map(toZod).join(", ")}])`;
  switch (schema.type) {
    case "string":
      return "z.string()";
    case "number":
      return "z.number()";
    case "integer":
      return "z.number().int()";
    case "boolean":
      return "z.boolean()";
    case "null":
      return "z.null()";
    case "array":
      return `z.array(${toZod((schema.items ?? true) as NormalizedSchema)})`;
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, NormalizedSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const fields = Object.entries(properties).map(
        ([key, value]) => `${JSON.stringify(key)}: ${toZod(value)}${required.has(key) ? "" : ".optional()"}`,
      );
      const make = schema.additionalProperties === false ? "z.strictObject" : "z.looseObject";
      return `${make}({ ${fields.join(", ")} })`;
    }
    default:
      return "z.unknown()";
  }
}
