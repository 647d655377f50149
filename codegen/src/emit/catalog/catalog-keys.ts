/**
 * Memo keys for the catalog's per-event work, so that `--watch` re-renders only the pages an edit
 * changes. A page of one event type is rendered from that entry and its neighbourhood (the event
 * types it is a request or reply of) and nothing else of the other entries: the emitters hand it
 * only those, so its key — the shared context and the neighbourhood's contents — covers all it can read.
 */
import type { ResolvedConfig } from "../../config/config.js";
import type { ContractModel } from "../../ir/model.js";
import { contentKey } from "../content-key.js";
import { modelKeys } from "../model-keys.js";
import type { CatalogEntry } from "./catalog-entries.js";
import type { CatalogGroup, CatalogGroups } from "./catalog-groups.js";

/** The keys of one catalog run (see {@link catalogKeys}). */
export interface CatalogKeys {
  /** What every page may read besides entries: the config, the definitions, the upcasters and which groups exist. */
  readonly context: string;
  /** The entries a page of `entry` may read: itself and its request and reply partners, in catalog order. */
  neighbourhood(entry: CatalogEntry): readonly CatalogEntry[];
  /** The key of a page of `entry` rendered from it, its {@link CatalogKeys.neighbourhood} and the context. */
  page(entry: CatalogEntry): string;
  /** The key of a domain's, slice's or owner's page: the context, the group and its entries. */
  group(group: CatalogGroup): string;
}

const runs = new WeakMap<readonly CatalogEntry[], CatalogKeys>();

/**
 * The memo keys of a catalog run over `entries` (computed once per entries list: the HTML and the
 * Markdown catalog share them).
 *
 * @example
 * ```ts
 * const keys = catalogKeys(model, config, entries, groups);
 * const html = pages.get(keys.page(entry), () => eventPage(entry, keys.neighbourhood(entry)));
 * ```
 */
export function catalogKeys(
  model: ContractModel,
  config: ResolvedConfig,
  entries: readonly CatalogEntry[],
  groups: CatalogGroups,
): CatalogKeys {
  const known = runs.get(entries);
  if (known !== undefined) return known;
  const context = contentKey([
    config,
    model.definitions,
    model.upcasters ?? [],
    [...groups.domains, ...groups.slices, ...groups.owners].map((group) => [
      group.kind,
      group.name,
      group.slug,
    ]),
  ]);
  const order = new Map(entries.map((entry, index) => [entry, index]));
  const byType = new Map(entries.map((entry) => [entry.eventType, entry]));
  const requesters = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const { responseType, errorResponseType } = entry.latest;
    for (const reply of new Set([responseType, errorResponseType])) {
      if (reply === undefined) continue;
      const list = requesters.get(reply) ?? [];
      list.push(entry);
      requesters.set(reply, list);
    }
  }
  const events = modelKeys(model);
  const entryKeys = new Map<CatalogEntry, string>();
  const entryKey = (entry: CatalogEntry): string => {
    let key = entryKeys.get(entry);
    if (key === undefined) {
      // Transitions and breaking versions follow from the versions, the definitions and the
      // config's compatibility mode, which the context covers.
      key = contentKey([
        entry.eventType,
        entry.versions.map(events.event),
        entry.producers,
        entry.consumers,
        entry.origins,
        entry.owners,
      ]);
      entryKeys.set(entry, key);
    }
    return key;
  };
  const neighbourhoods = new Map<CatalogEntry, readonly CatalogEntry[]>();
  const neighbourhood = (entry: CatalogEntry): readonly CatalogEntry[] => {
    let found = neighbourhoods.get(entry);
    if (found === undefined) {
      const { responseType, errorResponseType } = entry.latest;
      const members = new Set<CatalogEntry>([entry, ...(requesters.get(entry.eventType) ?? [])]);
      for (const type of [responseType, errorResponseType]) {
        const partner = type === undefined ? undefined : byType.get(type);
        if (partner !== undefined) members.add(partner);
      }
      found = [...members].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
      neighbourhoods.set(entry, found);
    }
    return found;
  };
  const keys: CatalogKeys = {
    context,
    neighbourhood,
    page: (entry) => `${context}|${entryKey(entry)}|${neighbourhood(entry).map(entryKey).join("|")}`,
    group: (group) =>
      [
        context,
        group.kind,
        group.name,
        group.slug,
        ...[group.entries, group.produces, group.consumes].map((list) => list.map(entryKey).join(",")),
      ].join("|"),
  };
  runs.set(entries, keys);
  return keys;
}
