/**
 * The HTML catalog's search index, inlined in the index page: what a word typed in the search box
 * is matched against. An event type is found by its names, facts and descriptions, by every field of
 * every version (path, type, constraints such as `format: uuid`, description), and by each shared
 * definition it reaches through `$ref`, directly or through other definitions — so `ticker` finds the
 * events whose `symbol` is a `Ticker`. Shared definitions are search results of their own too.
 */
import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../../ir/model.js";
import { ContentMemo } from "../memo.js";
import type { CatalogEntry } from "./catalog-entries.js";
import type { CatalogKeys } from "./catalog-keys.js";
import { scriptJson } from "./escape.js";
import { renamedSearchData } from "./renamed-pages.js";
import { constraintsOf, type DescribeDefinition, fieldRows, typeOf } from "./schema-fields.js";

/** One event type (or old name of one) in the index; `text` is lower case. */
export interface EventSearchItem {
  readonly slug: string;
  readonly name: string;
  readonly domain: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly owners: readonly string[];
  /** Event types joined to this one as request, reply or error reply, for the graph's neighbourhood filter. */
  readonly linked: readonly string[];
  readonly text: string;
}

/** One shared definition in the index; `text` is lower case. */
export interface DefinitionSearchItem {
  readonly name: string;
  /** The element id on `definitions.html`. */
  readonly anchor: string;
  readonly text: string;
}

/** Everything the search script reads. */
export interface SearchIndex {
  readonly events: readonly EventSearchItem[];
  readonly definitions: readonly DefinitionSearchItem[];
}

const REF_PREFIX = "#/$defs/";

/**
 * The search index of the catalog as the JSON of a `<script>` element ({@link scriptJson} of a
 * {@link SearchIndex}): one item per event type and old name, one per definition. Each event
 * type's item is remembered as text by `keys` (its contents, its neighbourhood's and the context),
 * and the definitions' items by the context, so `--watch` re-serializes only what an edit changed:
 * the whole index is a megabyte for a few hundred event types.
 *
 * @example
 * ```ts
 * const json = searchIndexScript(model, entries, describe, catalogKeys(model, config, entries, groups));
 * (JSON.parse(json) as SearchIndex).events.filter((item) => item.text.includes("uuid")); // every event with a uuid field
 * ```
 */
export function searchIndexScript(
  model: ContractModel,
  entries: readonly CatalogEntry[],
  describe: DescribeDefinition,
  keys: CatalogKeys,
): string {
  const byName = new Map(model.definitions.map((definition) => [definition.name, definition]));
  let definitionText: Map<string, string[]> | undefined;
  const wordsOf = (name: string): readonly string[] => {
    definitionText ??= new Map(
      model.definitions.map((definition) => [definition.name, definitionWords(definition, describe)]),
    );
    return definitionText.get(name) ?? [];
  };
  const events = entries.map((entry) =>
    eventItems.get(keys.page(entry), () =>
      scriptJson(eventItem(entry, keys.neighbourhood(entry), byName, wordsOf, describe)),
    ),
  );
  for (const renamed of renamedSearchData(entries)) events.push(scriptJson(renamed));
  const definitions = definitionItems.get(keys.context, () =>
    scriptJson(
      model.definitions.map(
        (definition): DefinitionSearchItem => ({
          name: definition.name,
          anchor: definitionAnchor(definition.name),
          text: compact(wordsOf(definition.name)),
        }),
      ),
    ),
  );
  // scriptJson escapes character by character, so the escaped items joined are the escaped whole.
  return `{"events":[${events.join(",")}],"definitions":${definitions}}`;
}

/** Search items as script JSON, by {@link CatalogKeys.page}; the definitions' items by the context. */
const eventItems = new ContentMemo<string>(10_000);
const definitionItems = new ContentMemo<string>(100);

/** The item of one event type, from it and its neighbourhood (its request and reply partners). */
function eventItem(
  entry: CatalogEntry,
  neighbourhood: readonly CatalogEntry[],
  byName: ReadonlyMap<string, SchemaDefinition>,
  wordsOf: (definition: string) => readonly string[],
  describe: DescribeDefinition,
): EventSearchItem {
  const schemas = entry.versions.map((event) => event.schema);
  const reached = reachedDefinitions(schemas, byName);
  const words = [
    entry.eventType,
    entry.latest.channel,
    entry.latest.domain,
    ...entry.producers,
    ...entry.consumers,
    ...entry.owners,
    ...entry.versions.flatMap((event) => [
      event.title ?? "",
      event.description ?? "",
      event.deprecated === false ? "" : `deprecated ${event.deprecated.reason ?? ""}`,
      event.responseType ?? "",
      event.errorResponseType ?? "",
      ...event.renamedFrom,
      ...schemaWords(event.schema, describe),
    ]),
    ...reached.flatMap((name) => wordsOf(name)),
  ];
  return {
    slug: entry.slug,
    name: entry.eventType,
    domain: entry.latest.domain,
    producers: entry.producers,
    consumers: entry.consumers,
    owners: entry.owners,
    linked: linkedTypes(entry, neighbourhood),
    text: compact(words),
  };
}

/** The id of a definition's section on `definitions.html`. */
export function definitionAnchor(name: string): string {
  return `def-${name}`;
}

function linkedTypes(entry: CatalogEntry, entries: readonly CatalogEntry[]): string[] {
  const { responseType, errorResponseType } = entry.latest;
  const linked = [responseType, errorResponseType].filter((type) => type !== undefined);
  for (const other of entries) {
    if (other.latest.responseType === entry.eventType || other.latest.errorResponseType === entry.eventType)
      linked.push(other.eventType);
  }
  return [...new Set(linked)].filter((type) => type !== entry.eventType);
}

/** A definition's name, description, type, constraints and fields. */
function definitionWords(definition: SchemaDefinition, describe: DescribeDefinition): string[] {
  return [
    definition.name,
    definition.description ?? "",
    ...typeWords(definition.schema),
    ...constraintsOf(definition.schema),
    ...schemaWords(definition.schema, describe),
  ];
}

/** Each field's path, type, constraints and description. */
function schemaWords(schema: NormalizedSchema, describe: DescribeDefinition): string[] {
  return fieldRows(schema, describe).flatMap((row) => [
    row.path,
    ...row.type.map((part) => (part.kind === "ref" ? part.name : part.text)),
    ...row.constraints,
    row.description ?? "",
  ]);
}

function typeWords(schema: NormalizedSchema): string[] {
  return typeOf(schema).map((part) => (part.kind === "ref" ? part.name : part.text));
}

/** The definitions the schemas reach through `$ref`, directly or through other definitions, sorted. */
function reachedDefinitions(
  schemas: readonly NormalizedSchema[],
  byName: ReadonlyMap<string, SchemaDefinition>,
): string[] {
  const found = new Set<string>();
  const queue = [...schemas];
  while (queue.length > 0) {
    for (const name of refNames(queue.pop())) {
      const definition = byName.get(name);
      if (found.has(name) || definition === undefined) continue;
      found.add(name);
      queue.push(definition.schema);
    }
  }
  return [...found].sort();
}

function refNames(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refNames(item, out);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith(REF_PREFIX))
        out.push(child.slice(REF_PREFIX.length));
      else refNames(child, out);
    }
  }
  return out;
}

/** The words, lower case, each distinct piece once, in order. */
function compact(words: readonly string[]): string {
  return [...new Set(words.map((word) => word.trim().toLowerCase()).filter((word) => word !== ""))].join(" ");
}
