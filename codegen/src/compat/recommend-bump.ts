/**
 * The semver bump a release of the contracts package needs, from what `postbus check`
 * found: a breaking or unproven change, a removed or renamed event type → major; a new
 * version whose breaking change upcasters cover, a new
 * event type or version, or a compatible change of a payload, its channel or its
 * deprecation → minor; documentation only (titles, descriptions, examples, comments, owners) →
 * patch; nothing → none. It never under-bumps: what no rule can prove compatible is major.
 */
import type { ContractModel, EventContract } from "../ir/model.js";
import type { CompatibilityReport } from "./check-compatibility.js";

/** A semver bump, or none when the contracts did not change. */
export type Bump = "major" | "minor" | "patch" | "none";

/** {@link recommendBump}'s answer and why, one reason per event (or "shared definitions"). */
export interface BumpRecommendation {
  readonly bump: Bump;
  readonly reasons: readonly string[];
}

/** Keywords that document a schema and change no payload's validity. */
const ANNOTATIONS = new Set(["title", "description", "examples", "$comment"]);

/** Keywords whose object keys are names (of properties, definitions), not keywords. */
const NAMED_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

const ORDER: readonly Bump[] = ["none", "patch", "minor", "major"];

/**
 * Recommends the bump between the `old` and `current` models that `report` compared.
 *
 * @example
 * ```ts
 * recommendBump(report, old.model, current.model); // { bump: "minor", reasons: ["order.placed v3: added"] }
 * ```
 */
export function recommendBump(
  report: CompatibilityReport,
  old: ContractModel,
  current: ContractModel,
): BumpRecommendation {
  let bump: Bump = "none";
  const reasons: string[] = [];
  const raise = (to: Bump, reason: string) => {
    if (ORDER.indexOf(to) > ORDER.indexOf(bump)) bump = to;
    reasons.push(`${reason} (${to})`);
  };
  const flagged = new Set(
    report.findings
      .filter((finding) => finding.severity !== "covered")
      .map((finding) => `${finding.eventType}@${finding.version}`),
  );
  const definitionsStructurallyEqual =
    JSON.stringify(old.definitions.map((d) => [d.name, stripAnnotations(d.schema)])) ===
    JSON.stringify(current.definitions.map((d) => [d.name, stripAnnotations(d.schema)]));
  for (const change of report.events) {
    const name = `${change.eventType} v${change.version}`;
    const all = report.findings.filter(
      (finding) => finding.eventType === change.eventType && finding.version === change.version,
    );
    // A change between versions that upcasters cover reaches no reader: the version it adds is what counts.
    const findings = all.filter((finding) => finding.severity !== "covered");
    const covered = all.length > findings.length ? ", breaking change covered by upcasters" : "";
    if (findings.some((finding) => finding.severity === "breaking")) raise("major", `${name}: breaking`);
    else if (findings.length > 0) raise("major", `${name}: changed, not provably compatible`);
    else if (change.status === "removed") raise("major", `${name}: removed`);
    else if (change.status === "renamed") raise("major", `${name}: renamed from ${change.previousEventType}`);
    else if (change.status === "added") raise("minor", `${name}: added${covered}`);
    else if (change.status === "unchanged") {
      // The check compares what payloads are valid; the text around them may still have changed.
      const before = find(old, change.eventType, change.version);
      const after = find(current, change.eventType, change.version);
      if (before !== undefined && after !== undefined && documentation(before) !== documentation(after))
        raise("patch", `${name}: documentation`);
    } else if (change.status === "changed" && !flagged.has(`${change.eventType}@${change.version}`)) {
      const before = find(old, change.eventType, change.version);
      const after = find(current, change.eventType, change.version);
      const documentationOnly =
        before !== undefined &&
        after !== undefined &&
        definitionsStructurallyEqual &&
        structure(before) === structure(after);
      raise(
        documentationOnly ? "patch" : "minor",
        `${name}: ${documentationOnly ? "documentation" : "compatible change"}`,
      );
    }
  }
  if (bump === "none" && JSON.stringify(old.definitions) !== JSON.stringify(current.definitions)) {
    raise(definitionsStructurallyEqual ? "patch" : "minor", "shared definitions");
  }
  return { bump, reasons };
}

/**
 * The next version after `version` for `bump` (pre-release and build parts dropped).
 *
 * @example
 * ```ts
 * nextVersion("1.4.2", "minor"); // "1.5.0"
 * ```
 */
export function nextVersion(version: string, bump: Bump): string {
  const [major = 0, minor = 0, patch = 0] = version.split(/[-+]/)[0]!.split(".").map(Number);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  if (bump === "patch") return `${major}.${minor}.${patch + 1}`;
  return version;
}

function find(model: ContractModel, eventType: string, version: number): EventContract | undefined {
  return model.events.find((event) => event.eventType === eventType && event.version === version);
}

/** What a payload, a reader or the registry can tell apart: the schema without annotations, the channel, the deprecation. */
function structure(event: EventContract): string {
  return JSON.stringify([
    stripAnnotations(event.schema),
    event.channel,
    event.deprecated,
    event.responseType ?? null,
  ]);
}

/** The text of a contract that documents it: schema (annotations included), title, description, owners. */
function documentation(event: EventContract): string {
  return JSON.stringify([
    event.schema,
    event.title,
    event.description,
    event.producers,
    event.consumers,
    event.owners,
  ]);
}

function stripAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripAnnotations);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !ANNOTATIONS.has(key))
      .map(([key, value]) => [key, NAMED_KEYWORDS.has(key) ? mapValues(value) : stripAnnotations(value)]),
  );
}

/** Under {@link NAMED_KEYWORDS} the keys are names, not keywords: a property called "title" stays. */
function mapValues(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return stripAnnotations(value);
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, stripAnnotations(child)]));
}
