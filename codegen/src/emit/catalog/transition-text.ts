/**
 * The words both catalog formats use for a {@link VersionTransition}: verdict labels and the
 * sentences around the checker's findings. Text only; each format adds its own markup.
 */
import type { Finding } from "../../compat/check-compatibility.js";
import { directionsOf, isTransitive } from "../../ir/compatibility-modes.js";
import type { SourceLocation } from "../../ir/model.js";
import type { Verdict, VersionTransition } from "./version-transitions.js";

/** A verdict as the catalog shows it: `compatible`, `breaking`, `cannot prove`, `not checked`. */
export function verdictLabel(verdict: Verdict): string {
  switch (verdict) {
    case "compatible":
      return "compatible";
    case "breaking":
      return "breaking";
    case "unproven":
      return "cannot prove";
    case "unchecked":
      return "not checked";
  }
}

/**
 * The sentence after the verdict and the mode, e.g. `a consumer on version 2 reads every event
 * written under version 1.` or `2 changes proven by a counterexample.`
 */
export function verdictReason(transition: VersionTransition): string {
  const breaking = transition.findings.filter((finding) => finding.severity === "breaking").length;
  const unproven = transition.findings.length - breaking;
  switch (transition.verdict) {
    case "compatible": {
      const older = isTransitive(transition.mode)
        ? "every earlier version"
        : `version ${transition.from.version}`;
      const newer = `version ${transition.to.version}`;
      const guarantees = directionsOf(transition.mode).map((direction) =>
        direction === "backward"
          ? `a consumer on ${newer} reads every event written under ${older}`
          : `a consumer on ${older} reads every event written under ${newer}`,
      );
      return `${guarantees.join(", and ")}.`;
    }
    case "breaking":
      return `${count(breaking, "change")} proven by a counterexample${unproven > 0 ? `, and ${count(unproven, "change")} no rule decides` : ""}.`;
    case "unproven":
      return `no rule decides ${count(unproven, "change")} and no counterexample was found.`;
    case "unchecked":
      return "the mode is NONE.";
  }
}

/** Who reads what in a finding: `a consumer on version 2 reading events written under version 1`. */
export function findingReaders(finding: Finding): string {
  const older = `version ${finding.against.version}`;
  const newer = `version ${finding.version}`;
  return finding.direction === "backward"
    ? `a consumer on ${newer} reading events written under ${older}`
    : `a consumer on ${older} reading events written under ${newer}`;
}

/** The versions that accept and reject a finding's counterexample: `[writer, reader]`. */
export function counterexampleSides(finding: Finding): readonly [number, number] {
  return finding.direction === "backward"
    ? [finding.against.version, finding.version]
    : [finding.version, finding.against.version];
}

/** A source location as `file#pointer` (the file alone at the schema's root). */
export function siteText(location: SourceLocation | undefined): string | undefined {
  if (location === undefined) return undefined;
  return location.pointer === "" ? location.file : `${location.file}#${location.pointer}`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? "" : "s"}`;
}
