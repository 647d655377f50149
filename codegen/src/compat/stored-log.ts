/**
 * The strongest proof a contract change can get: every stored event of a changed event
 * type, read in delivery order with the runtime's own reader (rows from ADR-only writers
 * included) and validated against the new contract. Memory stays bounded: events are
 * read a page at a time and only counts and the first few rejections are kept.
 */
import { CONTRACT_VERSION_KEY, type Postbus, type StoredEvent } from "@postbus/client";
import type { EventContract } from "../ir/model.js";
import type { EventChange } from "./check-compatibility.js";
import type { ContractSide } from "./contract-side.js";
import { createJudge } from "./counterexample.js";
import { type ScanOptions, scanStoredLog } from "./scan-stored-log.js";

/** What the stored events of one event type and version made of the new contract. */
export interface StoredLogResult {
  readonly eventType: string;
  /** The contract version the events were written under (`metadata.contract_version`, else the newest old contract that accepts them). */
  readonly version: number;
  /** Events checked. */
  readonly checked: number;
  /** Events the new contract rejects. */
  readonly rejected: number;
  /** The first rejected events: position and why. */
  readonly examples: readonly { readonly position: string; readonly reason: string }[];
}

/** Stored events of the changed types that no contract on either side accepts, per event type. */
export interface UnmatchedResult {
  readonly eventType: string;
  readonly count: number;
  readonly examples: readonly { readonly position: string; readonly reason: string }[];
}

/** What {@link checkStoredEvents} returns. */
export interface StoredLogReport {
  readonly results: readonly StoredLogResult[];
  /** Events that fit no old contract either (already invalid before this change) or whose version has no new contract. */
  readonly unmatched: readonly UnmatchedResult[];
  /** Events read in all. */
  readonly read: number;
  readonly elapsedMs: number;
}

/** Options of {@link checkStoredEvents}. */
export interface StoredLogOptions extends ScanOptions {
  /** Rejected events listed per result; default 3. */
  readonly keep?: number | undefined;
}

/**
 * Validates the stored events of every `changed` or `renamed` event in `changes` against
 * the contract of `current`; `old` tells which version an event was written under when
 * its metadata does not say.
 */
export async function checkStoredEvents(
  bus: Pick<Postbus, "readEvents" | "getLatestEvents">,
  old: ContractSide,
  current: ContractSide,
  changes: readonly EventChange[],
  options: StoredLogOptions = {},
): Promise<StoredLogReport> {
  const started = performance.now();
  const check = storedContractCheck(old, current, changes, options.keep);
  const read = await scanStoredLog(bus, check.channels, options, check.visit);
  return check.report(read, performance.now() - started);
}

/** A check of stored events as a visitor of {@link scanStoredLog}, so several checks share one pass. */
export interface StoredLogVisitor<Report> {
  /** The channels whose events it needs. */
  readonly channels: ReadonlySet<string>;
  readonly visit: (event: StoredEvent) => void;
  /** What it found, once the scan read `read` events in `elapsedMs`. */
  readonly report: (read: number, elapsedMs: number) => Report;
}

/**
 * {@link checkStoredEvents} as a visitor: validates each stored event of a `changed` or
 * `renamed` event type (on its channels) against the new contract of its version, which is
 * `metadata.contract_version` when the event declares one, else the newest old contract that
 * accepts it.
 */
export function storedContractCheck(
  old: ContractSide,
  current: ContractSide,
  changes: readonly EventChange[],
  keep = 3,
): StoredLogVisitor<StoredLogReport> {
  const wanted = changes.filter((change) => change.status === "changed" || change.status === "renamed");
  /** Stored event type → the new event type it is read as. */
  const newType = new Map<string, string>();
  for (const change of wanted) {
    newType.set(change.eventType, change.eventType);
    if (change.previousEventType !== undefined) newType.set(change.previousEventType, change.eventType);
  }
  const channels = new Set<string>();
  for (const change of wanted) {
    channels.add(change.channel);
    for (const event of old.model.events)
      if (event.eventType === (change.previousEventType ?? change.eventType)) channels.add(event.channel);
  }
  const oldByType = groupByType(old.model.events);
  const newByType = groupByType(current.model.events);
  // createJudge compiles each contract once per side and returns the same judge after that.
  const judge = (side: ContractSide, event: EventContract) => createJudge(side, event.schema);
  const results = new Map<
    string,
    {
      eventType: string;
      version: number;
      checked: number;
      rejected: number;
      examples: { position: string; reason: string }[];
    }
  >();
  const unmatched = new Map<
    string,
    UnmatchedResult & { count: number; examples: { position: string; reason: string }[] }
  >();

  const visit = (event: StoredEvent) => {
    const target = newType.get(event.type);
    if (target === undefined || !channels.has(event.channel)) return;
    const olds = oldByType.get(event.type) ?? [];
    const declared = event.envelope.metadata?.[CONTRACT_VERSION_KEY];
    const version =
      typeof declared === "number" && Number.isInteger(declared)
        ? declared
        : [...olds].reverse().find((contract) => judge(old, contract).valid(event.data))?.version;
    const contract = (newByType.get(target) ?? []).find((candidate) => candidate.version === version);
    if (version === undefined || contract === undefined) {
      const entry = unmatched.get(event.type) ?? { eventType: event.type, count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < keep) {
        entry.examples.push({
          position: event.position,
          reason:
            version === undefined
              ? "no contract of the compared side accepts it"
              : `no contract for version ${version} here`,
        });
      }
      unmatched.set(event.type, entry);
      return;
    }
    const resultKey = `${target}@${version}`;
    const entry = results.get(resultKey) ?? {
      eventType: target,
      version,
      checked: 0,
      rejected: 0,
      examples: [],
    };
    entry.checked++;
    const checker = judge(current, contract);
    if (!checker.valid(event.data)) {
      entry.rejected++;
      if (entry.examples.length < keep)
        entry.examples.push({ position: event.position, reason: checker.explain(event.data) });
    }
    results.set(resultKey, entry);
  };

  return {
    channels,
    visit,
    report: (read, elapsedMs) => ({
      results: [...results.values()].sort((a, b) => byEventType(a, b) || a.version - b.version),
      unmatched: [...unmatched.values()].sort(byEventType),
      read,
      elapsedMs,
    }),
  };
}

/** Orders results by event type. */
export function byEventType(a: { eventType: string }, b: { eventType: string }): number {
  return a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0;
}

/** Events by event type, in model order. */
export function groupByType(events: readonly EventContract[]): Map<string, EventContract[]> {
  const byType = new Map<string, EventContract[]>();
  for (const event of events) byType.set(event.eventType, [...(byType.get(event.eventType) ?? []), event]);
  return byType;
}
