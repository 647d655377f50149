/**
 * `postbus check`'s core: compares the contracts of two sides (a git commit and the
 * working tree) event by event under each event's compatibility mode, and returns every
 * finding — breaking ones with an ajv-proven counterexample, undecidable ones as
 * "cannot prove". Pure: reads nothing, writes nothing.
 */
import { type CompatibilityMode, directionsOf, isTransitive } from "../ir/compatibility-modes.js";
import type { EventContract, SourceLocation } from "../ir/model.js";
import { appendPointer } from "../load/json-pointer.js";
import { type ContractSide, eventSite } from "./contract-side.js";
import { basePayloads, createJudge, findCounterexample, type Judge } from "./counterexample.js";
import { findGaps, type Gap, type RuleId } from "./inclusion.js";
import { equalityOf } from "./schema-equality.js";

/** How an event changed between the two sides. */
export type EventStatus = "unchanged" | "changed" | "added" | "removed" | "renamed";

/** One event type and version, and what happened to it. */
export interface EventChange {
  readonly eventType: string;
  readonly version: number;
  readonly status: EventStatus;
  readonly mode: CompatibilityMode;
  /** For `renamed`: the event type on the old side. */
  readonly previousEventType?: string;
  readonly channel: string;
  /** Consumers declared on either side. */
  readonly consumers: readonly string[];
  /** Where the contract is: the new side's file, or the old side's for `removed`. */
  readonly location: SourceLocation;
}

/** One upcaster of a chain, as a finding or report names it. */
export interface UpcasterRef {
  /** The upcaster's file, relative to the config's root. */
  readonly file: string;
  readonly line: number;
  readonly from: number;
  readonly to: number;
}

/**
 * A change some reader cannot live with (`breaking`), or one no rule can decide (`unproven`),
 * or one of those between two versions that upcasters take care of (`covered`, see `coverFindings`).
 */
export interface Finding {
  readonly severity: "breaking" | "unproven" | "covered";
  /** For `covered`: the severity without the upcasters, and the chain from the older version to the newest. */
  readonly coveredBy?: {
    readonly severity: "breaking" | "unproven";
    readonly upcasters: readonly UpcasterRef[];
  };
  readonly eventType: string;
  readonly version: number;
  readonly mode: CompatibilityMode;
  /** `backward`: new readers of old events; `forward`: old readers of new events. */
  readonly direction: "backward" | "forward";
  /** The earlier contract compared with: its side's label, event type and version. */
  readonly against: { readonly side: string; readonly eventType: string; readonly version: number };
  readonly rule: RuleId | "event-removed" | "example-rejected";
  /** What changed, old → new. */
  readonly change: string;
  readonly old: SourceLocation | undefined;
  readonly new: SourceLocation | undefined;
  /** A payload valid under the side that wrote it and rejected by the side that reads it (ajv-checked). */
  readonly counterexample?: unknown;
  /** Why the reading side rejects the counterexample (ajv's errors). */
  readonly rejection?: string;
  /** The consumers declared in the contracts, who read these events. */
  readonly consumers: readonly string[];
  readonly hint: string;
}

/** What {@link checkCompatibility} found. */
export interface CompatibilityReport {
  readonly events: readonly EventChange[];
  readonly findings: readonly Finding[];
}

/** The sides to compare. */
export interface CheckInput {
  /** The contracts compared against (`--against`, default `HEAD`). */
  readonly old: ContractSide;
  /** The contracts checked (the working tree). */
  readonly current: ContractSide;
  /** Older snapshots, for the `_TRANSITIVE` modes (newest first); may be empty. */
  readonly history?: readonly ContractSide[];
  /** The mode of contracts that name none. */
  readonly defaultMode: CompatibilityMode;
}

/** One event contract and the side it belongs to. */
export interface Contract {
  readonly side: ContractSide;
  readonly event: EventContract;
}

const key = (eventType: string, version: number) => `${eventType}@${version}`;

/**
 * Compares `input.current` with `input.old`. Events are matched by event type and
 * version (or through `x-postbus.renamedFrom`); an event of the old side with no match is
 * removed, which orphans its stored events and is breaking unless its mode is `NONE`.
 */
export function checkCompatibility(input: CheckInput): CompatibilityReport {
  const oldEvents = new Map(
    input.old.model.events.map((event) => [key(event.eventType, event.version), event]),
  );
  const matched = new Set<string>();
  const events: EventChange[] = [];
  const findings: Finding[] = [];
  const history = input.history ?? [];

  for (const event of input.current.model.events) {
    const mode = event.compatibility ?? input.defaultMode;
    const renamedFrom = event.renamedFrom.find((name) => oldEvents.has(key(name, event.version)));
    const direct = oldEvents.get(key(event.eventType, event.version));
    const previous =
      direct ?? (renamedFrom === undefined ? undefined : oldEvents.get(key(renamedFrom, event.version)));
    if (previous !== undefined) matched.add(key(previous.eventType, previous.version));
    const consumers = unique([...event.consumers, ...(previous?.consumers ?? [])]);
    const same =
      previous !== undefined && equalityOf(input.old, input.current).equal(previous.schema, event.schema);
    events.push({
      eventType: event.eventType,
      version: event.version,
      status:
        previous === undefined ? "added" : direct === undefined ? "renamed" : same ? "unchanged" : "changed",
      mode,
      ...(direct === undefined && previous !== undefined ? { previousEventType: previous.eventType } : {}),
      channel: event.channel,
      consumers,
      location: event.source,
    });
    const earlier: Contract[] = previous === undefined || same ? [] : [{ side: input.old, event: previous }];
    if (isTransitive(mode)) {
      const names = new Set([event.eventType, ...event.renamedFrom]);
      for (const side of [input.current, input.old, ...history]) {
        for (const other of side.model.events) {
          if (!names.has(other.eventType) || other.version > event.version) continue;
          if (side === input.current && other === event) continue;
          earlier.push({ side, event: other });
        }
      }
    }
    const kept: Contract[] = [{ side: input.current, event }];
    for (const contract of earlier) {
      if (
        kept.some((other) =>
          equalityOf(other.side, contract.side).equal(other.event.schema, contract.event.schema),
        )
      )
        continue;
      kept.push(contract);
      for (const direction of directionsOf(mode)) {
        findings.push(...comparePair(contract, { side: input.current, event }, direction, mode, consumers));
      }
    }
  }

  for (const event of input.old.model.events) {
    if (matched.has(key(event.eventType, event.version))) continue;
    const mode = event.compatibility ?? input.defaultMode;
    events.push({
      eventType: event.eventType,
      version: event.version,
      status: "removed",
      mode,
      channel: event.channel,
      consumers: event.consumers,
      location: event.source,
    });
    if (mode === "NONE") continue;
    const successor = input.current.model.events.find(
      (candidate) =>
        candidate.version === event.version &&
        equalityOf(input.old, input.current).equal(event.schema, candidate.schema) &&
        !oldEvents.has(key(candidate.eventType, candidate.version)),
    );
    findings.push({
      severity: "breaking",
      eventType: event.eventType,
      version: event.version,
      mode,
      direction: "backward",
      against: { side: input.old.label, eventType: event.eventType, version: event.version },
      rule: "event-removed",
      change: `${event.eventType} v${event.version} no longer exists${successor === undefined ? "" : ` (${successor.eventType} v${successor.version} has the same schema)`}`,
      old: input.old.locate(eventSite(event)),
      new: successor === undefined ? undefined : successor.source,
      consumers: event.consumers,
      hint:
        successor === undefined
          ? `Stored ${event.eventType} events would no longer be delivered as a typed event: keep the contract (mark it deprecated), or declare x-postbus.renamedFrom: "${event.eventType}" in its successor`
          : `If it was renamed, declare "renamedFrom": "${event.eventType}" in the x-postbus block of ${successor.source.file}, so its stored events keep their type`,
    });
  }
  return { events, findings };
}

/**
 * The findings between two given contracts under `mode`: every direction the mode checks
 * (`earlier` is the old contract, `current` the new one), with the consumers of both.
 * Empty when their canonical texts are equal or the mode is `NONE`. The catalog compares
 * consecutive version files with it; {@link checkCompatibility} uses the same rules.
 *
 * @example
 * ```ts
 * const side = contractSide("the contracts", model, new Map());
 * const [v1, v2] = model.events; // order.placed v1 and v2
 * compareContracts({ side, event: v1 }, { side, event: v2 }, "BACKWARD"); // [] when v2 reads every v1 event
 * ```
 */
export function compareContracts(earlier: Contract, current: Contract, mode: CompatibilityMode): Finding[] {
  if (equalityOf(earlier.side, current.side).equal(earlier.event.schema, current.event.schema)) return [];
  const consumers = unique([...current.event.consumers, ...earlier.event.consumers]);
  return directionsOf(mode).flatMap((direction) => comparePair(earlier, current, direction, mode, consumers));
}

/** The findings of one direction between an earlier contract and the current one. */
function comparePair(
  earlier: Contract,
  current: Contract,
  direction: "backward" | "forward",
  mode: CompatibilityMode,
  consumers: readonly string[],
): Finding[] {
  // backward: every payload of the earlier contract must be valid under the current one.
  const [writer, reader] = direction === "backward" ? [earlier, current] : [current, earlier];
  const gaps = findGaps(
    writer.side,
    writer.event.schema,
    eventSite(writer.event),
    reader.side,
    reader.event.schema,
    eventSite(reader.event),
  );
  const writerJudge = createJudge(writer.side, writer.event.schema);
  const readerJudge = createJudge(reader.side, reader.event.schema);
  const bases =
    gaps.length === 0
      ? []
      : basePayloads(writer.side, writer.event.schema, writer.event.examples, writerJudge);
  const basesValid = bases.some((base) => writerJudge.valid(base));
  const findings: Finding[] = [];
  const finding = (
    gap: Pick<Gap, "a" | "b"> | undefined,
    fields: Omit<
      Finding,
      "eventType" | "version" | "mode" | "direction" | "against" | "old" | "new" | "consumers"
    >,
  ): Finding => {
    const writerAt = gap === undefined ? writer.event.source : writer.side.locate(gap.a);
    const readerAt = gap === undefined ? reader.event.source : reader.side.locate(gap.b);
    return {
      eventType: current.event.eventType,
      version: current.event.version,
      mode,
      direction,
      against: {
        side: earlier.side.label,
        eventType: earlier.event.eventType,
        version: earlier.event.version,
      },
      old: direction === "backward" ? writerAt : readerAt,
      new: direction === "backward" ? readerAt : writerAt,
      consumers,
      ...fields,
    };
  };
  for (const gap of gaps) {
    const counterexample = findCounterexample(gap, bases, writer.side, writerJudge, readerJudge);
    if (counterexample !== undefined) {
      findings.push(
        finding(gap, {
          severity: "breaking",
          rule: gap.rule,
          change: gap.change,
          counterexample,
          rejection: readerJudge.explain(
            counterexample,
            appendPointer("", ...(gap.edits[0]?.path ?? gap.path)),
          ),
          hint: breakingHint(gap, direction, current.event),
        }),
      );
    } else if (!(gap.exhaustive && basesValid)) {
      findings.push(
        finding(gap, {
          severity: "unproven",
          rule: gap.rule,
          change: gap.change,
          hint: unprovenHint(gap, current.event),
        }),
      );
    }
  }
  // No gap means the rules proved inclusion; with gaps but no proof yet, the writer's
  // examples may still show a reader rejecting a real payload.
  if (gaps.length > 0 && !findings.some((item) => item.severity === "breaking")) {
    // The writer's own examples are real payloads: one the reader rejects proves a gap the rules missed.
    for (const example of writer.event.examples) {
      if (!readerJudge.valid(example) && writerJudge.valid(example)) {
        findings.push(
          finding(undefined, {
            severity: "breaking",
            rule: "example-rejected",
            change: `an example of ${direction === "backward" ? "the old" : "the new"} contract is rejected by the ${direction === "backward" ? "new" : "old"} one`,
            counterexample: example,
            rejection: readerJudge.explain(example),
            hint: newVersionHint(current.event),
          }),
        );
        break;
      }
    }
  }
  return findings;
}

function breakingHint(gap: Gap, direction: "backward" | "forward", event: EventContract): string {
  const who =
    direction === "backward"
      ? "Events already stored under the old contract would be rejected"
      : "Consumers still on the old contract would reject new events";
  const fix: Partial<Record<RuleId, string>> = {
    "required-added": "make the property optional (leave it out of required)",
    "property-removed-closed":
      "keep the property (describe it as deprecated), or allow additional properties",
    "property-added-open":
      "give the new property a schema that accepts any value old producers may have sent, or close the object (additionalProperties: false) in a new version first",
    "additional-properties-closed": "keep additionalProperties open",
    "type-narrowed": "keep accepting the old type (a type list or anyOf)",
    "integer-required": "keep accepting non-integer numbers",
    "enum-narrowed": "keep the old values in the enum",
    "const-changed": "keep the old value",
    "value-rejected": "keep accepting the old values",
    "bound-tightened": "keep the old bound",
    "multiple-of-changed": "keep the old multipleOf",
    "pattern-changed": "keep the old pattern",
    "format-changed": "keep the old format",
    "unique-items-added": "drop uniqueItems",
    "branch-removed": "keep the old branch",
  };
  return `${who}: ${fix[gap.rule] ?? "revert the change"}, or ${orNewVersion(event)}`;
}

/** {@link newVersionHint} to follow "or ". */
function orNewVersion(event: EventContract): string {
  const hint = newVersionHint(event);
  return `${hint.charAt(0).toLowerCase()}${hint.slice(1)}`;
}

function newVersionHint(event: EventContract): string {
  return `Publish the change as a new version (a file with "version": ${event.version + 1}) and keep version ${event.version}, so stored events stay valid under their own contract`;
}

function unprovenHint(gap: Gap, event: EventContract): string {
  switch (gap.rule) {
    case "pattern-changed":
      return `Postbus cannot decide whether one regular expression accepts everything another does: keep the old pattern, or ${orNewVersion(event)}`;
    case "branches-may-overlap":
      return "Give each oneOf branch a required property with its own const (a discriminator), or use anyOf";
    default:
      return `No rule decides this change and no counterexample was found: keep the keyword as it was, close the model (additionalProperties: false), or ${orNewVersion(event)}`;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

export type { Judge };
