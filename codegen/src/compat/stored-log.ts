/**
 * The strongest proof a contract change can get: every stored event of a changed event
 * type, read in delivery order with the runtime's own reader (rows from ADR-only writers
 * included) and validated against the new contract. Memory stays bounded: events are
 * read a page at a time and only counts and the first few rejections are kept.
 */
import type { Postbus, StoredEvent } from "@postbus/client";
import type { EventContract } from "../ir/model.js";
import type { EventChange } from "./check-compatibility.js";
import type { ContractSide } from "./contract-side.js";
import { createJudge } from "./counterexample.js";

/** What the stored events of one event type and version made of the new contract. */
export interface StoredLogResult {
  readonly eventType: string;
  /** The contract version the events were written under (`metadata.version`, else the newest old contract that accepts them). */
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
export interface StoredLogOptions {
  /** Check only the newest `sample` events of each channel (at most 10,000); all of them when absent. */
  readonly sample?: number | undefined;
  /** Called after each page with the number of events read so far (a progress line). */
  readonly onProgress?: ((read: number) => void) | undefined;
  /** Rejected events listed per result; default 3. */
  readonly keep?: number | undefined;
}

const PAGE = 1000;

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
  const keep = options.keep ?? 3;
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
  let read = 0;

  const visit = (event: StoredEvent) => {
    const target = newType.get(event.type);
    if (target === undefined) return;
    const olds = oldByType.get(event.type) ?? [];
    const declared = event.envelope.metadata?.version;
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

  for (const channel of [...channels].sort()) {
    if (options.sample !== undefined) {
      const newest = await bus.getLatestEvents(channel, { limit: options.sample });
      for (const event of newest.reverse()) visit(event);
      read += newest.length;
      options.onProgress?.(read);
      continue;
    }
    let after: string | undefined;
    for (;;) {
      const page = await bus.readEvents(channel, { limit: PAGE, ...(after === undefined ? {} : { after }) });
      for (const event of page) visit(event);
      read += page.length;
      options.onProgress?.(read);
      if (page.length < PAGE) break;
      after = page.at(-1)?.position;
    }
  }
  const order = (a: { eventType: string }, b: { eventType: string }) =>
    a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0;
  return {
    results: [...results.values()].sort((a, b) => order(a, b) || a.version - b.version),
    unmatched: [...unmatched.values()].sort(order),
    read,
    elapsedMs: performance.now() - started,
  };
}

function groupByType(events: readonly EventContract[]): Map<string, EventContract[]> {
  const byType = new Map<string, EventContract[]>();
  for (const event of events) byType.set(event.eventType, [...(byType.get(event.eventType) ?? []), event]);
  return byType;
}
