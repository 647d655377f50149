import type { NormalizedSchema, SchemaDefinition } from "../../ir/model.js";
import { refName } from "./zod-context.js";

const SINGLE = [
  "items",
  "additionalProperties",
  "propertyNames",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
];
const LISTS = ["prefixItems", "allOf", "anyOf", "oneOf"];
const MAPS = ["properties", "patternProperties", "dependentSchemas"];

/** The definition names a schema refers to, in order of first appearance (keyword-aware: data is not walked). */
export function referencedNames(schema: NormalizedSchema): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    const object = node as Record<string, unknown>;
    if (object.$ref !== undefined) {
      const name = refName(object.$ref);
      if (!names.includes(name)) names.push(name);
    }
    for (const keyword of SINGLE) visit(object[keyword]);
    for (const keyword of LISTS) {
      const list = object[keyword];
      if (Array.isArray(list)) list.forEach(visit);
    }
    for (const keyword of MAPS) {
      const map = object[keyword];
      if (map !== null && typeof map === "object") Object.values(map).forEach(visit);
    }
  };
  visit(schema);
  return names;
}

/** Definitions grouped into strongly connected components, dependencies before dependents. */
export interface OrderedDefinitions {
  readonly order: readonly SchemaDefinition[];
  /** Names on a reference cycle: referenced lazily within their cycle and declared with a type annotation. */
  readonly recursive: ReadonlySet<string>;
  /** For a recursive definition, the names of its cycle (its component). */
  readonly componentOf: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Orders definitions so each is declared after the ones it uses (ties keep model order), with Tarjan's
 * algorithm finding the cycles that must be broken by `z.lazy`. Deterministic for a given model.
 */
export function orderDefinitions(definitions: readonly SchemaDefinition[]): OrderedDefinitions {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const edges = new Map(
    definitions.map((definition) => [
      definition.name,
      referencedNames(definition.schema).filter((name) => {
        if (!byName.has(name)) throw new Error(`zod emitter: $ref to unknown definition ${name}`);
        return true;
      }),
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;

  const connect = (name: string): void => {
    index.set(name, counter);
    low.set(name, counter);
    counter++;
    stack.push(name);
    onStack.add(name);
    for (const next of edges.get(name) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(name, Math.min(low.get(name) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(name, Math.min(low.get(name) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(name) !== index.get(name)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== name);
    components.push(component);
  };
  for (const definition of definitions) if (!index.has(definition.name)) connect(definition.name);

  const position = new Map(definitions.map((definition, at) => [definition.name, at]));
  const recursive = new Set<string>();
  const componentOf = new Map<string, ReadonlySet<string>>();
  const order: SchemaDefinition[] = [];
  for (const component of components) {
    component.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const first = component[0] as string;
    const cyclic = component.length > 1 || (edges.get(first) ?? []).includes(first);
    const members = new Set(component);
    for (const name of component) {
      if (cyclic) {
        recursive.add(name);
        componentOf.set(name, members);
      }
      order.push(byName.get(name) as SchemaDefinition);
    }
  }
  return { order, recursive, componentOf };
}
