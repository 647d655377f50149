/**
 * Every schema a code generator turns into a model gets a name of its own in
 * `components.schemas`, so tools that read the export (Modelina, the AsyncAPI generator) name
 * their models after the contracts and never invent `AnonymousSchema_N` or merge two versions
 * that share a title: a shared definition under its name, each event version's payload under its
 * message key (`OrderPlacedV1`, `OrderPlaced`), and each nested object, enum or constant under its
 * owner's name plus its property path (`OrderCancelledReason`, `SetupReceivedTakeProfitItem`). Each
 * component's `title` is its key, since tools take a title over a key; an event's own title is its
 * message's `title`.
 */
import type { ContractModel, EventContract, NormalizedSchema } from "../../ir/model.js";
import { pascalCase } from "../../ir/names.js";

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

const DEFS_PREFIX = "#/$defs/";
/** Where a component schema is referenced from. */
export const COMPONENT_SCHEMAS = "#/components/schemas/";
/** Keywords of a standalone schema file that mean nothing inside a components section. */
const DROPPED_ROOT_KEYWORDS = new Set(["$schema", "$id", "$defs", "definitions", "title"]);

/** Keywords whose value is one subschema, and the word its name gets. */
const SINGLE: ReadonlyMap<string, string> = new Map([
  ["items", "Item"],
  ["additionalItems", "Item"],
  ["unevaluatedItems", "Item"],
  ["contains", "Item"],
  ["additionalProperties", "Value"],
  ["unevaluatedProperties", "Value"],
  ["propertyNames", "Key"],
  ["not", "Not"],
  ["if", "If"],
  ["then", "Then"],
  ["else", "Else"],
]);
/** Keywords whose value is a list of subschemas, and the word each gets before its position. */
const LISTS: ReadonlyMap<string, string> = new Map([
  ["prefixItems", "Item"],
  ["oneOf", "Option"],
  ["anyOf", "Option"],
  ["allOf", "Part"],
]);
/** Keywords whose value maps names to subschemas: the name goes into the subschema's name. */
const MAPS: ReadonlyMap<string, string> = new Map([
  ["properties", ""],
  ["dependentSchemas", "If"],
  ["patternProperties", "Pattern"],
]);

/** The components and each event version's payload: a `$ref` into them. */
export interface ComponentSchemas {
  readonly schemas: Record<string, Json>;
  /** The message payload of an event version. */
  payloadOf(event: EventContract): Json;
}

/**
 * Names and collects the schemas of the model for `components.schemas`.
 *
 * @example
 * ```ts
 * const { schemas, payloadOf } = componentSchemas(model);
 * payloadOf(orderPlacedV1); // { $ref: "#/components/schemas/OrderPlacedV1" }
 * Object.keys(schemas); // ["Money", "MoneyCurrency", …, "OrderPlacedV1", "OrderPlacedV1Side", …]
 * ```
 */
export function componentSchemas(model: ContractModel, messageKey: (event: EventContract) => string) {
  const schemas: Record<string, Json> = {};
  const taken = new Set<string>([
    ...model.definitions.map((definition) => definition.name),
    ...model.events.map(messageKey),
  ]);
  const claim = (wanted: string): string => {
    let name = wanted;
    for (let suffix = 2; taken.has(name); suffix++) name = `${wanted}${suffix}`;
    taken.add(name);
    return name;
  };
  const add = (key: string, schema: NormalizedSchema) => {
    const named = nameChildren(componentRoot(schema), key, claim, schemas);
    schemas[key] = isObject(named) ? { title: key, ...named } : named;
  };
  for (const definition of model.definitions) add(definition.name, definition.schema);
  const payloads = new Map<EventContract, Json>();
  for (const event of model.events) {
    const refName = onlyRef(event.schema);
    if (refName !== undefined) {
      payloads.set(event, { $ref: `${COMPONENT_SCHEMAS}${refName}` });
      continue;
    }
    const key = messageKey(event);
    add(key, event.schema);
    payloads.set(event, { $ref: `${COMPONENT_SCHEMAS}${key}` });
  }
  return {
    schemas: sortKeys(schemas),
    payloadOf: (event: EventContract) => payloads.get(event) ?? null,
  } satisfies ComponentSchemas;
}

/** The definition a schema that is nothing but `{ "$ref": "#/$defs/<Name>" }` points at. */
function onlyRef(schema: NormalizedSchema): string | undefined {
  if (typeof schema !== "object" || Object.keys(schema).length !== 1) return undefined;
  const ref = schema.$ref;
  return typeof ref === "string" && ref.startsWith(DEFS_PREFIX) ? ref.slice(DEFS_PREFIX.length) : undefined;
}

/** The schema with `#/$defs/<Name>` refs pointing at `components.schemas` and file-level keywords dropped. */
function componentRoot(schema: NormalizedSchema): Json {
  if (typeof schema === "boolean") return schema;
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (!DROPPED_ROOT_KEYWORDS.has(key)) root[key] = value;
  return rewriteRefs(root);
}

function rewriteRefs(value: unknown): Json {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== "object" || value === null) return value as Json;
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === "$ref" && typeof child === "string" && child.startsWith(DEFS_PREFIX)
        ? `${COMPONENT_SCHEMAS}${child.slice(DEFS_PREFIX.length)}`
        : rewriteRefs(child);
  }
  return out;
}

/**
 * The schema with each nested subschema that a generator makes a model of (see {@link isModel})
 * moved into `schemas` under its path name and replaced by a `$ref`; the subschemas of others
 * are walked with the name they would have had.
 */
function nameChildren(
  schema: Json,
  name: string,
  claim: (wanted: string) => string,
  schemas: Record<string, Json>,
): Json {
  if (!isObject(schema)) return schema;
  const child = (sub: Json, subName: string): Json => {
    if (!isObject(sub) || !isModel(sub)) return nameChildren(sub, subName, claim, schemas);
    const key = claim(subName);
    const { title: _title, ...rest } = sub;
    schemas[key] = { title: key, ...(nameChildren(rest, key, claim, schemas) as JsonObject) };
    return { $ref: `${COMPONENT_SCHEMAS}${key}` };
  };
  const out: Record<string, Json> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    const single = SINGLE.get(keyword);
    const list = LISTS.get(keyword);
    const map = MAPS.get(keyword);
    if (single !== undefined) out[keyword] = child(value, `${name}${single}`);
    else if (list !== undefined && Array.isArray(value))
      out[keyword] = value.map((item, index) => child(item, `${name}${list}${index + 1}`));
    else if (map !== undefined && isObject(value))
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([key, item], index) => [
          key,
          child(item, `${name}${map}${keyword === "patternProperties" ? index + 1 : pascalCase(key)}`),
        ]),
      );
    else out[keyword] = value;
  }
  return out;
}

/** An inline schema a generator makes a model (a class, an interface or an enum) of. */
function isModel(schema: JsonObject): boolean {
  if (typeof schema.$ref === "string") return false;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return (
    "properties" in schema ||
    "patternProperties" in schema ||
    "enum" in schema ||
    "const" in schema ||
    types.includes("object")
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sortKeys(record: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
