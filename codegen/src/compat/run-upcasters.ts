/**
 * `postbus check` runs the upcasters before a release does: over every older version's
 * `examples` and, with a database, over the stored events of older versions, each step's
 * result validated against the contract of the version it produces (the newest at the end)
 * — the same steps and checks the typed client makes on delivery. Failures are counted per
 * event type and stored version, the first few named by example or position, upcaster and reason.
 */
import { CONTRACT_VERSION_KEY, type StoredEvent } from "@postbus/client";
import type { EventContract } from "../ir/model.js";
import type { RunnableUpcaster } from "../upcast/import-upcasters.js";
import type { UpcasterRef } from "./check-compatibility.js";
import type { ContractSide } from "./contract-side.js";
import { createJudge } from "./counterexample.js";
import { byEventType, groupByType, type StoredLogVisitor, type UnmatchedResult } from "./stored-log.js";
import { chainFrom, upcasterRef } from "./upcaster-coverage.js";

/** One payload an upcaster chain could not turn into a valid payload of the newest version. */
export interface UpcastFailure {
  /** `example 2` (its index in the version's `examples`) or a stored event's position. */
  readonly at: string;
  /** The upcaster that failed: its file. */
  readonly upcaster: string;
  /** Its step, `v1 → v2`. */
  readonly step: string;
  /** What went wrong: what it threw, or why the contract it produces rejects its result. */
  readonly reason: string;
}

/** Payloads of one older version run through its chain. */
export interface UpcastCounts {
  readonly checked: number;
  readonly failed: number;
  /** Failures per upcaster of the chain (only those that failed), in chain order. */
  readonly byUpcaster: readonly {
    readonly upcaster: string;
    readonly step: string;
    readonly failed: number;
  }[];
  /** The first failures (three by default). */
  readonly failures: readonly UpcastFailure[];
}

/** The chain from one older version of an event type to its newest, and what running it found. */
export interface UpcastResult {
  readonly eventType: string;
  /** The older version the payloads are (stored or given as examples) in. */
  readonly version: number;
  /** The newest version, where the chain ends. */
  readonly target: number;
  readonly upcasters: readonly UpcasterRef[];
  readonly examples: UpcastCounts;
  /** With a database: the stored events of this version; null without. */
  readonly stored: UpcastCounts | null;
}

/** What {@link createUpcastRun} found. */
export interface UpcastReport {
  readonly results: readonly UpcastResult[];
  /** Payloads whose chain failed, examples and stored events together. */
  readonly failed: number;
  /** With a database: stored events of these types that fit none of their versions (not an upcaster's doing). */
  readonly unmatched: readonly UnmatchedResult[] | null;
  /** With a database: stored events read in the shared pass. */
  readonly read: number | null;
}

/** The runs of {@link createUpcastRun}: a visitor of the stored-log pass, plus the examples. */
export interface UpcastRun extends Omit<StoredLogVisitor<UpcastReport>, "report"> {
  /** Runs every chain over its older version's examples. */
  readonly examples: () => void;
  /** What was found; `read` is the number of events the stored-log pass read, null when none ran. */
  readonly report: (read: number | null) => UpcastReport;
}

/** What running a chain over one payload gave. */
type ChainOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly failure: Omit<UpcastFailure, "at"> };

interface Counts {
  checked: number;
  failed: number;
  byUpcaster: { upcaster: string; step: string; failed: number }[];
  failures: UpcastFailure[];
}

const emptyCounts = (): Counts => ({ checked: 0, failed: 0, byUpcaster: [], failures: [] });

/**
 * Prepares the runs over `side` (the working tree, its model holding the checked upcasters)
 * with their functions: `examples()` runs the chains over the examples; the returned
 * visitor runs them over stored events during a {@link scanStoredLog} pass; `report`
 * collects both (`stored` null when no pass ran).
 *
 * @example
 * ```ts
 * const run = createUpcastRun(current, await importUpcasters(current.model.upcasters ?? []));
 * run.examples();
 * run.report(null).failed; // 0 when every example upcasts to a valid newest payload
 * ```
 */
export function createUpcastRun(
  side: ContractSide,
  upcasters: readonly RunnableUpcaster[],
  keep = 3,
): UpcastRun {
  const byType = groupByType(side.model.events);
  const runnable = new Map(upcasters.map((item) => [`${item.step.eventType}@${item.step.from}`, item]));
  const judge = (event: EventContract) => createJudge(side, event.schema);
  const versionOf = (eventType: string, version: number) =>
    byType.get(eventType)?.find((event) => event.version === version);

  /** Runs the chain of `eventType` from `version` over `data`, each result validated against its step's version. */
  const runChain = (eventType: string, version: number, data: unknown): ChainOutcome => {
    let value = data;
    for (const step of chainFrom(side.model, eventType, version) ?? []) {
      const fn = runnable.get(`${eventType}@${step.from}`);
      const name = { upcaster: step.source.file, step: `v${step.from} → v${step.to}` };
      if (fn === undefined) return { ok: false, failure: { ...name, reason: "the upcaster was not loaded" } };
      let next: unknown;
      try {
        next = fn.run(structuredClone(value));
      } catch (error) {
        return {
          ok: false,
          failure: { ...name, reason: `threw: ${error instanceof Error ? error.message : String(error)}` },
        };
      }
      const contract = versionOf(eventType, step.to);
      if (contract !== undefined && !judge(contract).valid(next)) {
        return {
          ok: false,
          failure: {
            ...name,
            reason: `${eventType} v${step.to} rejects its result: ${judge(contract).explain(next)}`,
          },
        };
      }
      value = next;
    }
    return { ok: true, value };
  };

  interface Entry {
    readonly eventType: string;
    readonly version: number;
    readonly target: number;
    readonly upcasters: readonly UpcasterRef[];
    readonly examples: Counts;
    stored: Counts | null;
  }
  const entries = new Map<string, Entry>();
  for (const [eventType, events] of byType) {
    const latest = Math.max(...events.map((event) => event.version));
    for (const event of events) {
      const chain = event.version === latest ? undefined : chainFrom(side.model, eventType, event.version);
      if (chain === undefined) continue;
      entries.set(`${eventType}@${event.version}`, {
        eventType,
        version: event.version,
        target: latest,
        upcasters: chain.map(upcasterRef),
        examples: emptyCounts(),
        stored: null,
      });
    }
  }
  const count = (counts: Counts, at: string, outcome: ChainOutcome) => {
    counts.checked++;
    if (outcome.ok) return;
    counts.failed++;
    const { upcaster, step } = outcome.failure;
    const tally = counts.byUpcaster.find((item) => item.upcaster === upcaster);
    if (tally === undefined) counts.byUpcaster.push({ upcaster, step, failed: 1 });
    else tally.failed++;
    if (counts.failures.length < keep) counts.failures.push({ at, ...outcome.failure });
  };

  const examples = () => {
    for (const entry of entries.values()) {
      const contract = versionOf(entry.eventType, entry.version);
      for (const [index, example] of (contract?.examples ?? []).entries()) {
        const own = contract === undefined ? undefined : judge(contract);
        const outcome: ChainOutcome =
          own === undefined || own.valid(example)
            ? runChain(entry.eventType, entry.version, example)
            : {
                ok: false,
                failure: {
                  upcaster: entry.upcasters[0]?.file ?? "",
                  step: `v${entry.version} → v${entry.upcasters[0]?.to}`,
                  reason: `the example is not a valid v${entry.version} payload: ${own.explain(example)}`,
                },
              };
        count(entry.examples, `example ${index}`, outcome);
      }
    }
  };

  /** Stored event type (the event type, or an earlier name of it) → the event type. */
  const storedTypes = new Map<string, string>();
  const channels = new Set<string>();
  for (const entry of entries.values()) {
    for (const event of byType.get(entry.eventType) ?? []) {
      storedTypes.set(event.eventType, event.eventType);
      for (const name of event.renamedFrom)
        if (!storedTypes.has(name)) storedTypes.set(name, event.eventType);
      channels.add(event.channel);
    }
  }
  const unmatched = new Map<
    string,
    UnmatchedResult & { count: number; examples: { position: string; reason: string }[] }
  >();
  const unmatchedOne = (event: StoredEvent, reason: string) => {
    const item = unmatched.get(event.type) ?? { eventType: event.type, count: 0, examples: [] };
    item.count++;
    if (item.examples.length < keep) item.examples.push({ position: event.position, reason });
    unmatched.set(event.type, item);
  };
  const visit = (event: StoredEvent) => {
    const eventType = storedTypes.get(event.type);
    if (eventType === undefined || !channels.has(event.channel)) return;
    const versions = [...(byType.get(eventType) ?? [])].sort((a, b) => b.version - a.version);
    const declared = event.envelope.metadata?.[CONTRACT_VERSION_KEY];
    const named = versions.find((candidate) => candidate.version === declared);
    let version: number | undefined;
    if (named !== undefined) {
      if (!judge(named).valid(event.data)) {
        unmatchedOne(
          event,
          `declares v${named.version} but does not match it: ${judge(named).explain(event.data)}`,
        );
        return;
      }
      version = named.version;
    } else version = versions.find((candidate) => judge(candidate).valid(event.data))?.version;
    if (version === undefined) {
      unmatchedOne(event, `matches none of ${eventType}'s versions`);
      return;
    }
    const entry = entries.get(`${eventType}@${version}`);
    if (entry === undefined) return; // the newest version: nothing to upcast
    entry.stored ??= emptyCounts();
    count(entry.stored, event.position, runChain(eventType, version, event.data));
  };

  return {
    channels,
    visit,
    examples,
    report: (read) => {
      const withDatabase = read !== null;
      const results = [...entries.values()]
        .map((entry) => ({
          eventType: entry.eventType,
          version: entry.version,
          target: entry.target,
          upcasters: entry.upcasters,
          examples: entry.examples,
          stored: withDatabase ? (entry.stored ?? emptyCounts()) : null,
        }))
        .sort((a, b) => byEventType(a, b) || a.version - b.version);
      return {
        results,
        failed: results.reduce(
          (sum, result) => sum + result.examples.failed + (result.stored?.failed ?? 0),
          0,
        ),
        unmatched: withDatabase ? [...unmatched.values()].sort(byEventType) : null,
        read: withDatabase ? read : null,
      };
    },
  };
}
