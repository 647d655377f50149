/**
 * A breaking change between two versions of an event is covered when upcasters turn every
 * older version into the newest: the typed client upcasts stored events on delivery, so a
 * reader of the new contract never meets the old payload. Only the backward direction is
 * covered (old readers of new events get no help from an upcaster), and only between versions
 * (a change in place of one version leaves its stored events as they are).
 */
import type { ContractModel, UpcasterStep } from "../ir/model.js";
import type { Finding, UpcasterRef } from "./check-compatibility.js";

/**
 * The upcaster steps from `from` to the newest version of `eventType`, in order; undefined
 * when the event type has no upcasters or the chain does not reach the newest version.
 *
 * @example
 * ```ts
 * chainFrom(model, "order.placed", 1)?.map((step) => `${step.from}→${step.to}`); // ["1→2"]
 * ```
 */
export function chainFrom(
  model: ContractModel,
  eventType: string,
  from: number,
): readonly UpcasterStep[] | undefined {
  const steps = (model.upcasters ?? []).filter((step) => step.eventType === eventType);
  if (steps.length === 0) return undefined;
  const latest = Math.max(
    ...model.events.filter((event) => event.eventType === eventType).map((event) => event.version),
  );
  const chain: UpcasterStep[] = [];
  let at = from;
  while (at !== latest) {
    const step = steps.find((candidate) => candidate.from === at);
    if (step === undefined || chain.includes(step)) return undefined;
    chain.push(step);
    at = step.to;
  }
  return chain;
}

/** An upcaster step as a {@link UpcasterRef}. */
export function upcasterRef(step: UpcasterStep): UpcasterRef {
  return { file: step.source.file, line: step.source.line, from: step.from, to: step.to };
}

/**
 * `findings` with every backward finding between two versions of an event type whose older
 * version has an upcaster chain to the newest in `current` turned into `severity: "covered"`,
 * with `coveredBy` naming the chain and the severity it had.
 *
 * @example
 * ```ts
 * coverFindings(report.findings, current.model).filter((finding) => finding.severity === "covered");
 * ```
 */
export function coverFindings(findings: readonly Finding[], current: ContractModel): Finding[] {
  return findings.map((finding) => {
    if (finding.severity === "covered" || finding.direction !== "backward") return finding;
    if (finding.against.version === finding.version) return finding;
    const chain = chainFrom(current, finding.eventType, finding.against.version);
    if (chain === undefined || chain.length === 0) return finding;
    return {
      ...finding,
      severity: "covered",
      coveredBy: { severity: finding.severity, upcasters: chain.map(upcasterRef) },
      hint: `Stored v${finding.against.version} events reach readers as v${chain.at(-1)?.to} through ${chain.map((step) => step.source.file).join(", ")}; postbus check runs the chain over the examples (and with --database-url over the stored events)`,
    };
  });
}
