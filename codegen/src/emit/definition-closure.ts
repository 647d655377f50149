import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../ir/model.js";
import { referencedNames } from "./walk-schema.js";

/**
 * The definitions `schema` needs, directly or through other definitions, in the
 * model's order: what a standalone copy of `schema` must carry in its `$defs`.
 */
export function definitionClosure(model: ContractModel, schema: NormalizedSchema): SchemaDefinition[] {
  const byName = new Map(model.definitions.map((definition) => [definition.name, definition]));
  const needed = new Set<string>();
  const pending = [...referencedNames(schema)];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (needed.has(name)) continue;
    const definition = byName.get(name);
    if (!definition)
      throw new Error(`Schema refers to #/$defs/${name}, which is not a definition of the model`);
    needed.add(name);
    pending.push(...referencedNames(definition.schema));
  }
  return model.definitions.filter((definition) => needed.has(definition.name));
}
