/**
 * How `postbus check` prints what it found: `text` for people, `json` (one stable,
 * documented object — see docs/compatibility.md) for tools and the catalog, `github`
 * for workflow annotations on the changed lines.
 */
import type { GroupStatus } from "@postbus/client";
import type { SourceLocation } from "../ir/model.js";
import type { CompatibilityReport, Finding, UpcasterRef } from "./check-compatibility.js";
import type { Bump } from "./recommend-bump.js";
import type { UpcastReport } from "./run-upcasters.js";
import type { StoredLogReport } from "./stored-log.js";

/** The output formats of `postbus check`. */
export const CHECK_FORMATS = ["text", "json", "github"] as const;

/** One of {@link CHECK_FORMATS}. */
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** Everything a check run found, as the JSON format prints it. */
export interface CheckOutput {
  /** The JSON format's version; a field is only ever added within one. */
  readonly formatVersion: 1;
  readonly against: { readonly ref: string; readonly commit: string };
  /** No breaking finding, no stored event rejected, no upcaster failure (unproven findings allowed unless `--strict`). */
  readonly compatible: boolean;
  readonly summary: {
    readonly breaking: number;
    readonly unproven: number;
    /** Breaking or unproven changes between versions that upcaster chains cover. */
    readonly covered: number;
    readonly changed: number;
    readonly added: number;
    readonly removed: number;
    readonly renamed: number;
    readonly storedRejected: number | null;
    /** Examples and stored events an upcaster chain failed on; null when the contracts have no upcasters. */
    readonly upcastFailed: number | null;
  };
  readonly events: CompatibilityReport["events"];
  readonly findings: readonly Finding[];
  /** With `--database-url`: the stored events checked against the new contracts. */
  readonly storedEvents: StoredLogReport | null;
  /** When the contracts have upcasters: each chain run over the older versions' examples (and stored events with `--database-url`). */
  readonly upcasters: UpcastReport | null;
  /** With `--database-url`: consumer groups reading a changed event's channel, by channel. */
  readonly liveGroups: Readonly<Record<string, readonly LiveGroup[]>> | null;
  /** The release the changes need: the package, its version now, the recommended bump and the version after it. */
  readonly release: {
    readonly package: string;
    readonly version: string;
    readonly bump: Bump;
    readonly nextVersion: string;
    readonly reasons: readonly string[];
  };
}

/** A consumer group reading a channel, and how far behind it is. */
export interface LiveGroup {
  readonly group: string;
  readonly position: string;
  readonly lagEvents: number;
}

/** The consumer groups reading each of `channels`, from a status snapshot. */
export function liveGroupsOf(
  groups: readonly GroupStatus[],
  channels: Iterable<string>,
): Record<string, LiveGroup[]> {
  const byChannel: Record<string, LiveGroup[]> = {};
  for (const channel of channels) {
    byChannel[channel] = groups.flatMap((group) =>
      group.channels
        .filter((cursor) => cursor.channel === channel)
        .map((cursor) => ({ group: group.group, position: cursor.position, lagEvents: cursor.lagEvents })),
    );
  }
  return byChannel;
}

/** The lines to print for `output` in `format`. */
export function formatCheck(output: CheckOutput, format: CheckFormat): string[] {
  if (format === "json") return [JSON.stringify(output)];
  if (format === "github") return githubLines(output);
  return textLines(output);
}

function where(location: SourceLocation | undefined): string {
  if (location === undefined) return "(gone)";
  return `${location.file}:${location.line}:${location.column}${location.pointer === "" ? "" : ` ${location.pointer}`}`;
}

function textLines(output: CheckOutput): string[] {
  const lines: string[] = [];
  for (const finding of output.findings) {
    const at = finding.new ?? finding.old;
    const label =
      finding.severity === "breaking"
        ? "breaking"
        : finding.severity === "covered"
          ? `covered by upcasters (${finding.coveredBy?.severity === "breaking" ? "breaking" : "cannot prove compatible"} without them)`
          : "cannot prove compatible";
    const against =
      finding.against.eventType === finding.eventType && finding.against.version === finding.version
        ? finding.against.side
        : `${finding.against.eventType} v${finding.against.version} at ${finding.against.side}`;
    lines.push(
      `${at === undefined ? "" : `${at.file}:${at.line}:${at.column}: `}${label}: ${finding.eventType} v${finding.version} (${finding.mode} ${finding.direction}, against ${against}): ${finding.change} [${finding.rule}]`,
      `  old: ${where(finding.old)}`,
      `  new: ${where(finding.new)}`,
    );
    if (finding.counterexample !== undefined) {
      lines.push(`  counterexample: ${JSON.stringify(finding.counterexample)}`);
      if (finding.rejection !== undefined)
        lines.push(
          `  rejected by the ${finding.direction === "backward" ? "new" : "old"} contract: ${finding.rejection}`,
        );
    }
    const channel = output.events.find(
      (event) => event.eventType === finding.eventType && event.version === finding.version,
    )?.channel;
    const live = channel === undefined ? undefined : output.liveGroups?.[channel];
    const readers = [
      finding.consumers.length > 0
        ? `declared consumers: ${finding.consumers.join(", ")}`
        : "no declared consumers",
      live === undefined
        ? undefined
        : live.length === 0
          ? "no live group reads it"
          : `live groups: ${live.map((group) => `${group.group} (at ${group.position}, ${group.lagEvents} behind)`).join(", ")}`,
    ].filter(Boolean);
    if (finding.coveredBy !== undefined)
      lines.push(`  upcasters: ${upcasterChain(finding.coveredBy.upcasters)}`);
    lines.push(`  who reads it: ${readers.join("; ")}`, `  hint: ${finding.hint}`);
  }
  for (const result of output.upcasters?.results ?? []) {
    const stored =
      result.stored === null ? "" : `, ${result.stored.failed} of ${result.stored.checked} stored events`;
    lines.push(
      `upcasters: ${result.eventType} v${result.version} → v${result.target} (${upcasterChain(result.upcasters)}): failed on ${result.examples.failed} of ${result.examples.checked} examples${stored}`,
      ...[...result.examples.failures, ...(result.stored?.failures ?? [])].map(
        (failure) => `  at ${failure.at}: ${failure.upcaster} (${failure.step}) ${failure.reason}`,
      ),
    );
  }
  for (const entry of output.upcasters?.unmatched ?? []) {
    lines.push(
      `upcasters: ${entry.eventType}: ${entry.count} stored events fit none of its versions (not upcast; the typed client dead-letters them)`,
      ...entry.examples.map((example) => `  at ${example.position}: ${example.reason}`),
    );
  }
  for (const result of output.storedEvents?.results ?? []) {
    if (result.rejected === 0) continue;
    lines.push(
      `stored events: ${result.eventType} v${result.version}: the new contract rejects ${result.rejected} of ${result.checked} stored events`,
      ...result.examples.map((example) => `  at ${example.position}: ${example.reason}`),
    );
  }
  for (const entry of output.storedEvents?.unmatched ?? []) {
    lines.push(
      `stored events: ${entry.eventType}: ${entry.count} stored events match no contract of ${output.against.ref} (already invalid before this change)`,
      ...entry.examples.map((example) => `  at ${example.position}: ${example.reason}`),
    );
  }
  const { summary } = output;
  const stored =
    output.storedEvents === null
      ? ""
      : `; stored events: ${output.storedEvents.read} read, ${summary.storedRejected} rejected by the new contracts`;
  const upcast = summary.upcastFailed === null ? "" : `; upcasters: ${summary.upcastFailed} failed`;
  const { release } = output;
  lines.push(
    release.bump === "none"
      ? `release: no contract changed; ${release.package} stays at ${release.version}`
      : `release: ${release.bump} (${release.package} ${release.version} → ${release.nextVersion}): ${release.reasons.join("; ")}`,
  );
  lines.push(
    `postbus check: ${summary.breaking} breaking, ${summary.unproven} unproven${summary.covered === 0 ? "" : `, ${summary.covered} covered by upcasters`}; ${summary.changed} changed, ${summary.added} added, ${summary.removed} removed, ${summary.renamed} renamed (against ${output.against.ref} ${output.against.commit.slice(0, 12)})${stored}${upcast}${output.compatible ? ": compatible" : ""}`,
  );
  return lines;
}

function githubLines(output: CheckOutput): string[] {
  const lines = output.findings.map((finding) => {
    const at = finding.new ?? finding.old;
    const level =
      finding.severity === "breaking" ? "error" : finding.severity === "covered" ? "notice" : "warning";
    const properties = at === undefined ? "" : ` file=${property(at.file)},line=${at.line},col=${at.column},`;
    const title = property(`postbus check: ${finding.eventType} v${finding.version} ${finding.rule}`);
    const body = [
      `${finding.change} (${finding.mode} ${finding.direction}, against ${finding.against.side})`,
      finding.counterexample === undefined
        ? undefined
        : `Counterexample: ${JSON.stringify(finding.counterexample)}`,
      finding.rejection === undefined ? undefined : `Rejected: ${finding.rejection}`,
      finding.coveredBy === undefined
        ? undefined
        : `Covered by upcasters: ${upcasterChain(finding.coveredBy.upcasters)}`,
      finding.consumers.length > 0 ? `Consumers: ${finding.consumers.join(", ")}` : undefined,
      `Hint: ${finding.hint}`,
    ]
      .filter(Boolean)
      .join("\n");
    return `::${level}${properties}${at === undefined ? " " : ""}title=${title}::${message(body)}`;
  });
  for (const result of output.storedEvents?.results ?? []) {
    if (result.rejected > 0) {
      lines.push(
        `::error title=${property("postbus check: stored events")}::${message(`${result.eventType} v${result.version}: the new contract rejects ${result.rejected} of ${result.checked} stored events`)}`,
      );
    }
  }
  for (const result of output.upcasters?.results ?? []) {
    for (const failure of [...result.examples.failures, ...(result.stored?.failures ?? [])]) {
      const step = result.upcasters.find((item) => item.file === failure.upcaster);
      const at = step === undefined ? " " : ` file=${property(step.file)},line=${step.line},`;
      lines.push(
        `::error${at}title=${property(`postbus check: upcaster ${result.eventType} ${failure.step}`)}::${message(`At ${failure.at} (a v${result.version} payload): ${failure.reason}`)}`,
      );
    }
  }
  return [...lines, ...textLines(output).slice(-1)];
}

/** `a.ts (v1 → v2), b.ts (v2 → v3)`. */
function upcasterChain(upcasters: readonly UpcasterRef[]): string {
  return upcasters.map((step) => `${step.file}:${step.line} (v${step.from} → v${step.to})`).join(", ");
}

/** Escapes a workflow command's message. */
function message(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a workflow command's property value. */
function property(text: string): string {
  return message(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
