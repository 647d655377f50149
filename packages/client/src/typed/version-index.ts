import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import type { ContractEntry, ContractRegistry, ContractVersionEntry } from "./contract-registry.js";

/** One event type's versions, as the typed client looks them up. */
export interface EventVersions {
  readonly eventType: string;
  readonly entry: ContractEntry;
  /** Newest first. */
  readonly versions: readonly ContractVersionEntry[];
  readonly latest: number;
  /** The version handlers get by default: the newest when every older version upcasts to it, else none (as stored). */
  readonly defaultTarget: number | undefined;
}

/** Event type (and every earlier name of a renamed one) → its versions. */
export type VersionIndex = ReadonlyMap<string, EventVersions>;

/**
 * Builds the typed client's view of a registry's versions once: each entry's `contractVersions`
 * (or its one version), the default delivered version, and the old names of renamed event types
 * pointing at their new entry. A current event type wins over another entry's old name.
 */
export function indexVersions(contracts: ContractRegistry): VersionIndex {
  const index = new Map<string, EventVersions>();
  for (const [eventType, entry] of Object.entries(contracts)) {
    const versions: readonly ContractVersionEntry[] = entry.contractVersions ?? [
      { version: entry.version ?? 1, schema: entry.schema, deprecated: entry.deprecated ?? false },
    ];
    const latest = versions[0]?.version ?? 1;
    const complete = versions.every(
      (version) => version.version === latest || reaches(versions, version.version, latest),
    );
    index.set(eventType, {
      eventType,
      entry,
      versions,
      latest,
      defaultTarget: versions.length > 1 && complete ? latest : undefined,
    });
  }
  for (const [eventType, entry] of Object.entries(contracts)) {
    for (const alias of entry.renamedFrom ?? []) {
      if (!index.has(alias)) index.set(alias, index.get(eventType)!);
    }
  }
  return index;
}

/** The validator of one version. */
export function versionSchema(versions: EventVersions, version: number): StandardSchemaV1 | undefined {
  return versions.versions.find((candidate) => candidate.version === version)?.schema;
}

function reaches(versions: readonly ContractVersionEntry[], from: number, to: number): boolean {
  const seen = new Set<number>();
  let at: number | undefined = from;
  while (at !== undefined && at !== to && !seen.has(at)) {
    seen.add(at);
    const current: number = at;
    at = versions.find((candidate) => candidate.version === current)?.upcast?.to;
  }
  return at === to;
}

/**
 * Every deprecated version of the index's event types (old names of renamed types left out),
 * what the typed client's `status()` counts recent publishes of.
 */
export function deprecatedVersionsOf(index: VersionIndex): { eventType: string; version: number }[] {
  const found: { eventType: string; version: number }[] = [];
  for (const [name, versions] of index) {
    if (name !== versions.eventType) continue;
    for (const version of versions.versions) {
      if (version.deprecated !== undefined && version.deprecated !== false)
        found.push({ eventType: name, version: version.version });
    }
  }
  return found.sort((a, b) =>
    a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : a.version - b.version,
  );
}
