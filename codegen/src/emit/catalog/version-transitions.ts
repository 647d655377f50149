/**
 * Between consecutive versions of an event type, whether the newer one is compatible with the
 * older under the event's mode, decided by `postbus check`'s own rules: "breaking" only with an
 * ajv-proven counterexample, "cannot prove" where no rule decides. Pure and in memory: both
 * contracts come from the same model.
 */
import { compareContracts, type Finding } from "../../compat/check-compatibility.js";
import type { ContractSide } from "../../compat/contract-side.js";
import { sortedJson } from "../../compat/contract-side.js";
import { type CompatibilityMode, isTransitive } from "../../ir/compatibility-modes.js";
import type { EventContract } from "../../ir/model.js";
import { definitionClosure } from "../definition-closure.js";
import { ContentMemo } from "../memo.js";
import { type FieldChanges, fieldChanges } from "./field-changes.js";
import { type DescribeDefinition, fieldRows } from "./schema-fields.js";

/**
 * What the checker says of a transition: `compatible` (no finding), `breaking` (a finding with a
 * counterexample), `unproven` (only findings no rule decides), `unchecked` (mode `NONE`).
 */
export type Verdict = "compatible" | "breaking" | "unproven" | "unchecked";

/** One version of an event type against the version before it. */
export interface VersionTransition {
  /** The version before (`to.version - 1`, or the next lower version that exists). */
  readonly from: EventContract;
  readonly to: EventContract;
  /** `to.compatibility`, else the config's default. */
  readonly mode: CompatibilityMode;
  readonly verdict: Verdict;
  /**
   * The checker's findings, breaking ones first; under a `_TRANSITIVE` mode also against every
   * earlier version (`finding.against.version`).
   */
  readonly findings: readonly Finding[];
  readonly fields: FieldChanges;
}

/** Findings by content, so `--watch` re-proves only the pairs whose contracts changed. */
const comparisons = new ContentMemo<Finding[]>(2_000);

/**
 * The transitions of an event type's versions (newest first, as the catalog lists them): one per
 * version that has an earlier one, newest first.
 *
 * @example
 * ```ts
 * const side = contractSide("the contracts", model, new Map());
 * const [latest] = versionTransitions(entry.versions, side, "BACKWARD", describe);
 * latest.verdict; // "breaking"
 * latest.findings[0].counterexample; // a v1 payload v2 rejects
 * ```
 */
export function versionTransitions(
  versions: readonly EventContract[],
  side: ContractSide,
  defaultMode: CompatibilityMode,
  describe: DescribeDefinition,
): VersionTransition[] {
  return versions.slice(0, -1).map((to, index) => {
    const earlier = versions.slice(index + 1);
    const from = earlier[0] as EventContract;
    const mode = to.compatibility ?? defaultMode;
    const against = isTransitive(mode) ? earlier : [from];
    const findings = against.flatMap((old) => compare(side, old, to, mode)).sort((a, b) => rank(a) - rank(b));
    return {
      from,
      to,
      mode,
      verdict: verdictOf(mode, findings),
      findings,
      fields: fieldChanges(fieldRows(from.schema, describe), fieldRows(to.schema, describe)),
    };
  });
}

function compare(
  side: ContractSide,
  earlier: EventContract,
  current: EventContract,
  mode: CompatibilityMode,
): Finding[] {
  const key = sortedJson({
    mode,
    earlier,
    current,
    definitions: [
      ...definitionClosure(side.model, earlier.schema),
      ...definitionClosure(side.model, current.schema),
    ],
  });
  return comparisons.get(key, () =>
    compareContracts({ side, event: earlier }, { side, event: current }, mode),
  );
}

function verdictOf(mode: CompatibilityMode, findings: readonly Finding[]): Verdict {
  if (mode === "NONE") return "unchecked";
  if (findings.some((finding) => finding.severity === "breaking")) return "breaking";
  return findings.length > 0 ? "unproven" : "compatible";
}

function rank(finding: Finding): number {
  return finding.severity === "breaking" ? 0 : 1;
}
