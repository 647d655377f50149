import { escapeSegment, isObject, parsePointer, valueAt } from "../load/json-pointer.js";
import type { SchemaFile } from "../load/load-schemas.js";
import { fileStem } from "../load/path-defaults.js";
import type { EventFacts } from "../validate/check-event-facts.js";
import { keywordIgnoredBecause } from "../validate/keyword-effect.js";
import { KEYWORDS } from "../validate/keywords.js";
import { siteKey } from "../validate/resolve-refs.js";
import type { ValidatedSchemas } from "../validate/validate-schemas.js";
import { compareText, diagnostic } from "./diagnostic.js";
import { type DynamicScope, dynamicScopes } from "./dynamic-scope.js";
import { findUnguardedCycles, type RefEdge } from "./find-ref-cycles.js";
import type {
  ContractModel,
  Diagnostic,
  EventContract,
  NormalizedSchema,
  SchemaDefinition,
  SourceLocation,
} from "./model.js";
import { claimName, eventTypeName, pascalCase, RESERVED_NAMES, takeName } from "./names.js";
import { normalizeSchema } from "./normalize-schema.js";

/** Root keywords of a definitions file that do not make its root a schema of its own. */
const CONTAINER_ONLY = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
]);

/** Keywords whose keys are names (properties, dependencies): a key there names the schema even if it reads like a keyword. */
const NAME_MAPS = new Set(["properties", "patternProperties", "dependentSchemas", "dependencies"]);

interface DefinitionSite {
  readonly file: SchemaFile;
  readonly pointer: string;
}

/**
 * Phase 3, build the IR: names every event's payload type and every reusable
 * schema (shared definition files, their `$defs`, and any other `$ref` target),
 * normalizes each schema to one dialect with `$ref`s pointing at model
 * definitions, and rejects reference cycles TypeScript cannot express
 * (`A = B`, `B = A | string`: no object or array in between). Deterministic:
 * events by (eventType, version), definitions by name, names by file path order.
 */
export function buildModel(validated: ValidatedSchemas): { model: ContractModel; diagnostics: Diagnostic[] } {
  const events = [...validated.events].sort(
    (a, b) => compareText(a.eventType, b.eventType) || a.version - b.version,
  );
  const taken = new Set<string>(RESERVED_NAMES);
  const diagnostics: Diagnostic[] = [];
  const typeNames = nameEvents(events, taken, diagnostics);
  const eventByFile = new Map(events.map((event) => [event.file, event] as const));

  const sites = collectDefinitionSites(validated);
  const names = new Map<string, string>();
  for (const site of sites) {
    const event = eventByFile.get(site.file);
    const name = claimName(candidateNames(site, event && typeNames.get(event)), taken);
    names.set(siteKey(site.file.file, site.pointer), name);
  }

  const edges: RefEdge[] = [];
  const scopes = dynamicScopes(validated);
  /** Definitions still to normalize: each site under its own scope, and under other scopes as they are reached. */
  const pending: { site: DefinitionSite; scope: DynamicScope; name: string }[] = sites.map((site) => ({
    site,
    scope: scopes.standalone(site.file, site.pointer),
    name: names.get(siteKey(site.file.file, site.pointer)) ?? "",
  }));
  const instances = new Map<string, string>(
    pending.map((entry) => [instanceKey(entry.site, scopes.key(entry.scope)), entry.name]),
  );
  /** The definition name of `target` validated under `scope`: a new instance when the scope is not its own. */
  const nameIn = (target: DefinitionSite, scope: DynamicScope): string | undefined => {
    const key = instanceKey(target, scopes.key(scope));
    const known = instances.get(key);
    if (known !== undefined) return known;
    const base = names.get(siteKey(target.file.file, target.pointer));
    if (base === undefined) return undefined;
    const landing = [...scope.values()].find((site) => !isSameSite(site, target));
    const via = landing && names.get(siteKey(landing.file.file, landing.pointer));
    const name = claimName([`${base}${via === undefined ? "Dynamic" : `In${via}`}`], taken);
    instances.set(key, name);
    pending.push({ site: target, scope, name });
    return name;
  };
  const normalizeAt = (file: SchemaFile, pointer: string, from: string | undefined, scope: DynamicScope) =>
    normalizeSchema(valueAt(file.parsed.value, pointer), pointer, {
      dialect: file.dialect ?? "2020-12",
      ignores: (keyword) => keywordIgnoredBecause(keyword, file, validated.format) !== undefined,
      refName: (refPointer) => {
        const target = validated.refs.get(siteKey(file.file, refPointer));
        if (target === undefined) return undefined;
        return nameIn(target, scopes.enter(scopes.within(scope, file, pointer, refPointer), target));
      },
      dynamicRefName: (refPointer) => {
        const first = validated.dynamicRefs.get(siteKey(file.file, refPointer));
        if (first === undefined) return undefined;
        const here = scopes.within(scope, file, pointer, refPointer);
        const target = (first.anchor !== undefined && here.get(first.anchor)) || first;
        return nameIn(target, scopes.enter(here, target));
      },
      onRef: (to, refPointer, guarded) => {
        if (from !== undefined && !guarded)
          edges.push({ from, to, location: locationOf(file, `${refPointer}/$ref`) });
      },
    });

  const definitions: SchemaDefinition[] = [];
  const eventSchemas = new Map(
    events.map((event) => {
      const rootName = names.get(siteKey(event.file.file, ""));
      const schema: NormalizedSchema =
        rootName === undefined
          ? normalizeAt(event.file, "", undefined, scopes.standalone(event.file, ""))
          : { $ref: `#/$defs/${rootName}` };
      return [event, schema] as const;
    }),
  );
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const { site, scope, name } = next;
    const raw = valueAt(site.file.parsed.value, site.pointer);
    definitions.push({
      kind: "definition",
      name,
      schema: normalizeAt(site.file, site.pointer, name, scope),
      description: isObject(raw) && typeof raw.description === "string" ? raw.description : undefined,
      source: locationOf(site.file, site.pointer),
    });
  }
  definitions.sort((a, b) => compareText(a.name, b.name));

  const contracts: EventContract[] = events.map((event) => {
    const root = event.file.parsed.value as Record<string, unknown>;
    return {
      kind: "event",
      eventType: event.eventType,
      version: event.version,
      channel: event.channel,
      typeName: typeNames.get(event) ?? pascalCase(event.eventType),
      domain: event.domain,
      title: typeof root.title === "string" ? root.title : undefined,
      description: typeof root.description === "string" ? root.description : undefined,
      producers: event.producers,
      consumers: event.consumers,
      owners: event.owners,
      deprecated: event.deprecated,
      examples: Array.isArray(root.examples) ? root.examples : [],
      responseType: event.responseType,
      errorResponseType: event.errorResponseType,
      compatibility: event.compatibility,
      renamedFrom: event.renamedFrom,
      partitionKey: event.partitionKey,
      schema: eventSchemas.get(event) ?? {},
      source: locationOf(event.file, ""),
    };
  });

  for (const cycle of findUnguardedCycles(edges)) {
    diagnostics.push(
      diagnostic(
        "POSTBUS_SCHEMA_CYCLIC_REF",
        `The definitions ${cycle.names.join(" → ")} refer to each other with no object or array in between`,
        "TypeScript cannot express such a type; put the recursive reference inside a property or array items",
        cycle.location,
      ),
    );
  }
  return { model: deepFreeze({ kind: "model", events: contracts, definitions }), diagnostics };
}

function nameEvents(
  events: readonly EventFacts[],
  taken: Set<string>,
  diagnostics: Diagnostic[],
): Map<EventFacts, string> {
  const latest = new Map<string, number>();
  for (const event of events)
    latest.set(event.eventType, Math.max(latest.get(event.eventType) ?? 0, event.version));
  const owners = new Map<string, EventFacts>();
  const typeNames = new Map<EventFacts, string>();
  for (const event of events) {
    const name = eventTypeName(event.eventType, event.version, latest.get(event.eventType) ?? event.version);
    const owner = owners.get(name);
    if (owner !== undefined && owner.eventType !== event.eventType) {
      const location = locationOf(event.file, event.eventTypePointer);
      diagnostics.push(
        diagnostic(
          "POSTBUS_SCHEMA_NAME_CLASH",
          `Event types "${owner.eventType}" and "${event.eventType}" both become the TypeScript name ${name}`,
          "Rename one of the event types",
          location,
        ),
      );
    }
    owners.set(name, event);
    takeName(name, taken);
    typeNames.set(event, name);
  }
  return typeNames;
}

function collectDefinitionSites(validated: ValidatedSchemas): DefinitionSite[] {
  const sites = new Map<string, DefinitionSite>();
  const add = (file: SchemaFile, pointer: string) =>
    sites.set(siteKey(file.file, pointer), { file, pointer });
  for (const target of validated.refs.values()) add(target.file, target.pointer);
  for (const target of validated.dynamicRefs.values()) add(target.file, target.pointer);
  for (const target of dynamicScopes(validated).anchorSites) add(target.file, target.pointer);
  for (const file of validated.files) {
    if (file.role !== "definitions" || !isObject(file.parsed.value)) continue;
    const root = file.parsed.value;
    if (Object.keys(root).some((key) => !CONTAINER_ONLY.has(key) && !key.startsWith("x-"))) add(file, "");
    for (const container of ["$defs", "definitions"]) {
      const entries = root[container];
      if (isObject(entries))
        for (const key of Object.keys(entries)) add(file, `/${container}/${escapeSegment(key)}`);
    }
  }
  return [...sites.values()].sort(
    (a, b) => compareText(a.file.file, b.file.file) || compareText(a.pointer, b.pointer),
  );
}

function candidateNames(site: DefinitionSite, eventName: string | undefined): string[] {
  const stem = pascalCase(fileStem(site.file.file));
  const segments = parsePointer(site.pointer) ?? [];
  let base: string;
  if (segments.length === 0) {
    base = site.file.role === "event" ? `${eventName ?? stem}Payload` : stem;
  } else {
    const container = segments.at(-2);
    const key = segments.at(-1) ?? "";
    base =
      container === "$defs" || container === "definitions"
        ? pascalCase(key)
        : stem +
          segments
            .filter(
              (segment, index) =>
                NAME_MAPS.has(segments[index - 1] ?? "") ||
                (!KEYWORDS.has(segment) && !/^\d+$/.test(segment)),
            )
            .map(pascalCase)
            .join("");
  }
  return base.startsWith(stem) ? [base] : [base, `${stem}${base}`];
}

const instanceKey = (site: DefinitionSite, scope: string): string =>
  `${siteKey(site.file.file, site.pointer)} ${scope}`;

const isSameSite = (a: DefinitionSite, b: DefinitionSite): boolean =>
  a.file === b.file && a.pointer === b.pointer;

function locationOf(file: SchemaFile, pointer: string): SourceLocation {
  const { line, column } = file.parsed.locate(pointer);
  return { file: file.file, pointer, line, column };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
