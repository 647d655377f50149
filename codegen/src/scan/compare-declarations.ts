import { compareText } from "../ir/diagnostic.js";
import type { ContractModel, EventContract, SourceLocation } from "../ir/model.js";
import type { CallSite, CodeScan, EventUsage } from "./code-scan.js";
import { consumerNames, partyName, producerNames } from "./party-names.js";

/** How the code and the contracts' `x-postbus` declarations disagree. */
export type DriftKind =
  /** A declared producer publishes the event type nowhere in the code. */
  | "declared-not-produced"
  /** A declared consumer consumes the event type nowhere in the code. */
  | "declared-not-consumed"
  /** The code publishes the event type from a slice the contracts do not declare. */
  | "produced-not-declared"
  /** The code consumes the event type in a slice or group the contracts do not declare. */
  | "consumed-not-declared"
  /** The code uses an event type the contracts do not have (a stale generated package). */
  | "not-in-contracts";

/** The line and column of a JSON pointer in a schema file, when known. */
export type Locate = (file: string, pointer: string) => { line: number; column: number } | undefined;

/** The order findings of one event type are listed in. */
const KIND_ORDER: readonly DriftKind[] = [
  "declared-not-produced",
  "produced-not-declared",
  "declared-not-consumed",
  "consumed-not-declared",
  "not-in-contracts",
];

/** One disagreement. */
export interface DriftFinding {
  readonly kind: DriftKind;
  readonly eventType: string;
  /** The producer or consumer: as declared, or as the code names it; `undefined` for `not-in-contracts`. */
  readonly name: string | undefined;
  /** The schema file declaring it (the newest version that does); `undefined` when it is not declared. */
  readonly declaredIn: SourceLocation | undefined;
  /** The calls, for findings about the code; empty for declarations the code never matches. */
  readonly sites: readonly CallSite[];
}

/**
 * Compares what the code publishes and consumes with the producers and consumers the contracts
 * declare (over all versions of an event type, as the catalog lists them). A declared name
 * matches a producer call when it is the client's slice or the file's package, and a consumer
 * call when it is also the group. Findings are sorted by event type, kind and name; none
 * means the declarations are true to the code. `locate` turns a JSON pointer into a schema file
 * into its line and column (the loader's positions), so a declaration is reported at its line.
 *
 * @example
 * ```ts
 * compareDeclarations(scan, model).filter((finding) => finding.kind === "declared-not-consumed");
 * ```
 */
export function compareDeclarations(
  scan: CodeScan,
  model: ContractModel,
  locate: Locate = () => undefined,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const usage = new Map(scan.events.map((event) => [event.eventType, event]));
  const contracts = new Map<string, EventContract[]>();
  for (const event of model.events)
    contracts.set(event.eventType, [...(contracts.get(event.eventType) ?? []), event]);
  for (const [eventType, versions] of contracts) {
    const used: EventUsage = usage.get(eventType) ?? { eventType, producers: [], consumers: [] };
    findings.push(
      ...compareSide(
        eventType,
        versions,
        "producers",
        used.producers.map((site) => [site, producerNames(site)]),
        locate,
      ),
      ...compareSide(
        eventType,
        versions,
        "consumers",
        used.consumers.map((site) => [site, consumerNames(site)]),
        locate,
      ),
    );
  }
  for (const event of scan.events) {
    if (contracts.has(event.eventType)) continue;
    findings.push({
      kind: "not-in-contracts",
      eventType: event.eventType,
      name: undefined,
      declaredIn: undefined,
      sites: [...event.producers, ...event.consumers].map(placeOf),
    });
  }
  return findings.sort(
    (a, b) =>
      compareText(a.eventType, b.eventType) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      compareText(a.name ?? "", b.name ?? ""),
  );
}

function compareSide(
  eventType: string,
  versions: readonly EventContract[],
  side: "producers" | "consumers",
  calls: readonly (readonly [CallSite, readonly string[]])[],
  locate: Locate,
): DriftFinding[] {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const declared = new Set(newestFirst.flatMap((event) => event[side]));
  const findings: DriftFinding[] = [];
  for (const name of declared) {
    if (calls.some(([, names]) => names.includes(name))) continue;
    findings.push({
      kind: side === "producers" ? "declared-not-produced" : "declared-not-consumed",
      eventType,
      name,
      declaredIn: declarationOf(newestFirst, side, name, locate),
      sites: [],
    });
  }
  const undeclared = new Map<string, CallSite[]>();
  for (const [site, names] of calls) {
    if (names.some((name) => declared.has(name))) continue;
    const name = partyName(names, declared);
    undeclared.set(name, [...(undeclared.get(name) ?? []), placeOf(site)]);
  }
  for (const [name, sites] of undeclared)
    findings.push({
      kind: side === "producers" ? "produced-not-declared" : "consumed-not-declared",
      eventType,
      name,
      declaredIn: undefined,
      sites,
    });
  return findings;
}

/** Just the place of a call. */
function placeOf(site: CallSite): CallSite {
  return { file: site.file, line: site.line, column: site.column };
}

/** Where the newest version declaring `name` lists it: `/x-postbus/<side>/<index>` of its schema file. */
function declarationOf(
  newestFirst: readonly EventContract[],
  side: "producers" | "consumers",
  name: string,
  locate: Locate,
): SourceLocation | undefined {
  const event = newestFirst.find((version) => version[side].includes(name));
  if (event === undefined) return undefined;
  const pointer = `${event.source.pointer}/x-postbus/${side}/${event[side].indexOf(name)}`;
  const position = locate(event.source.file, pointer);
  return position === undefined ? event.source : { file: event.source.file, pointer, ...position };
}
