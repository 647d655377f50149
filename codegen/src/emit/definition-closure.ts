import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../ir/model.js";
import { referencedNames } from "./walk-schema.js";

/** Per model: each definition by name and the names it refers to directly (computed once). */
interface DefinitionIndex {
  readonly byName: ReadonlyMap<string, SchemaDefinition>;
  readonly references: ReadonlyMap<string, ReadonlySet<string>>;
  readonly order: ReadonlyMap<string, number>;
  /** Each definition's own closure (itself included), filled in on demand. */
  readonly closures: Map<string, ReadonlySet<string>>;
}

const indexes = new WeakMap<ContractModel, DefinitionIndex>();

function definitionIndex(model: ContractModel): DefinitionIndex {
  let index = indexes.get(model);
  if (index === undefined) {
    index = {
      byName: new Map(model.definitions.map((definition) => [definition.name, definition])),
      references: new Map(
        model.definitions.map((definition) => [definition.name, referencedNames(definition.schema)]),
      ),
      order: new Map(model.definitions.map((definition, position) => [definition.name, position])),
      closures: new Map(),
    };
    indexes.set(model, index);
  }
  return index;
}

/**
 * The definitions `schema` needs, directly or through other definitions, in the
 * model's order: what a standalone copy of `schema` must carry in its `$defs`.
 */
export function definitionClosure(model: ContractModel, schema: NormalizedSchema): SchemaDefinition[] {
  const index = definitionIndex(model);
  const needed = new Set<string>();
  for (const name of referencedNames(schema)) {
    for (const reached of closureOf(index, name)) needed.add(reached);
  }
  const { byName, order } = index;
  return [...needed]
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
    .map((name) => byName.get(name) as SchemaDefinition);
}

/** `name` and every definition it needs, directly or through others. */
function closureOf(index: DefinitionIndex, start: string): ReadonlySet<string> {
  const known = index.closures.get(start);
  if (known !== undefined) return known;
  const needed = new Set<string>();
  const pending = [start];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (needed.has(name)) continue;
    if (!index.byName.has(name))
      throw new Error(`Schema refers to #/$defs/${name}, which is not a definition of the model`);
    needed.add(name);
    pending.push(...(index.references.get(name) ?? []));
  }
  index.closures.set(start, needed);
  return needed;
}
