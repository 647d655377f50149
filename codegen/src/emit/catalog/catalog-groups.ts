/**
 * The catalog's three ways to group event types, each with a page per group: by domain (the
 * newest version's `x-postbus.domain`), by slice (every producer and consumer) and by owner
 * (`x-postbus.owners`). Pure and sorted, so the pages are deterministic.
 */
import { type CatalogEntry, compareText, sliceNames } from "./catalog-entries.js";

/** What a group is made of. */
export type GroupKind = "domain" | "slice" | "owner";

/** One domain, slice or owner and its event types. */
export interface CatalogGroup {
  readonly kind: GroupKind;
  readonly name: string;
  /** File name without extension, unique among the groups of its kind, e.g. `payments-team`. */
  readonly slug: string;
  /** Every event type of the group, sorted: for a slice, those it produces or consumes. */
  readonly entries: readonly CatalogEntry[];
  /** For a slice: the event types it produces (empty for the other kinds). */
  readonly produces: readonly CatalogEntry[];
  /** For a slice: the event types it consumes (empty for the other kinds). */
  readonly consumes: readonly CatalogEntry[];
}

/** The groups of each kind, sorted by name. */
export interface CatalogGroups {
  readonly domains: readonly CatalogGroup[];
  readonly slices: readonly CatalogGroup[];
  readonly owners: readonly CatalogGroup[];
}

/** The folder of a kind's pages, e.g. `owners/<slug>.html`, and its heading. */
export const GROUP_FOLDERS: Readonly<Record<GroupKind, string>> = {
  domain: "domains",
  slice: "slices",
  owner: "owners",
};

/**
 * Every domain, slice and owner of the entries with its event types.
 *
 * @example
 * ```ts
 * catalogGroups(entries).owners.map((owner) => owner.name); // ["execution-team", "risk-desk"]
 * ```
 */
export function catalogGroups(entries: readonly CatalogEntry[]): CatalogGroups {
  const domains = sorted(entries.map((entry) => entry.latest.domain));
  const owners = sorted(entries.flatMap((entry) => entry.owners));
  return {
    domains: withSlugs(domains).map(([name, slug]) =>
      group("domain", name, slug, entries, (entry) => entry.latest.domain === name),
    ),
    slices: withSlugs(sliceNames(entries)).map(([name, slug]) => {
      const produces = entries.filter((entry) => entry.producers.includes(name));
      const consumes = entries.filter((entry) => entry.consumers.includes(name));
      return {
        kind: "slice",
        name,
        slug,
        entries: entries.filter((entry) => produces.includes(entry) || consumes.includes(entry)),
        produces,
        consumes,
      };
    }),
    owners: withSlugs(owners).map(([name, slug]) =>
      group("owner", name, slug, entries, (entry) => entry.owners.includes(name)),
    ),
  };
}

/**
 * Looks up the group of a kind by name, for links from event pages.
 *
 * @example
 * ```ts
 * groupLookup(groups)("owner", "risk-desk")?.slug; // "risk-desk"
 * ```
 */
export function groupLookup(
  groups: CatalogGroups,
): (kind: GroupKind, name: string) => CatalogGroup | undefined {
  const byKey = new Map<string, CatalogGroup>();
  for (const list of [groups.domains, groups.slices, groups.owners])
    for (const item of list) byKey.set(`${item.kind}\u0000${item.name}`, item);
  return (kind, name) => byKey.get(`${kind}\u0000${name}`);
}

function group(
  kind: GroupKind,
  name: string,
  slug: string,
  entries: readonly CatalogEntry[],
  member: (entry: CatalogEntry) => boolean,
): CatalogGroup {
  return { kind, name, slug, entries: entries.filter(member), produces: [], consumes: [] };
}

function sorted(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compareText);
}

/**
 * A slug per name: characters outside `[A-Za-z0-9._-]` become `_`, lower case, and a name whose
 * slug another name already took gets `-2`, `-3`… (`@acme/orders` → `_acme_orders`).
 */
function withSlugs(names: readonly string[]): [string, string][] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = name.replace(/[^A-Za-z0-9._-]/g, "_").toLowerCase() || "_";
    let slug = base;
    for (let suffix = 2; taken.has(slug); suffix++) slug = `${base}-${suffix}`;
    taken.add(slug);
    return [name, slug];
  });
}
