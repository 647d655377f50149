import { diagnostic } from "../ir/diagnostic.js";
import type { ContractModel, Diagnostic, UpcasterStep } from "../ir/model.js";

/**
 * Checks the upcaster chains of every event type that has upcasters: from each older version,
 * following one step at a time, the chain must reach the newest version. A version with no step
 * (the chain breaks), two steps out of one version (ambiguous) or a step back to a version already
 * on the chain (a cycle) is a {@link Diagnostic}: at the schema of the version left without a
 * step, or at the upcaster that makes the chain ambiguous or circular. Event types without
 * upcasters are not checked (their handlers get the union of their versions).
 */
export function checkChains(model: ContractModel, steps: readonly UpcasterStep[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byType = new Map<string, UpcasterStep[]>();
  for (const step of steps) byType.set(step.eventType, [...(byType.get(step.eventType) ?? []), step]);
  for (const [eventType, typeSteps] of byType) {
    const versions = model.events.filter((event) => event.eventType === eventType);
    const latest = Math.max(...versions.map((event) => event.version));
    const out = new Map<number, UpcasterStep>();
    for (const step of typeSteps) {
      const other = out.get(step.from);
      if (other !== undefined) {
        diagnostics.push(
          diagnostic(
            "POSTBUS_UPCASTER_CHAIN",
            `${eventType} has two upcasters out of v${step.from}: to v${other.to} (${other.source.file}) and to v${step.to}`,
            "Keep one step per version; the chain must say one way to the newest version",
            step.source,
          ),
        );
      } else out.set(step.from, step);
    }
    const latestStep = out.get(latest);
    if (latestStep !== undefined) {
      diagnostics.push(
        diagnostic(
          "POSTBUS_UPCASTER_CHAIN",
          `${eventType} v${latest} is the newest version, but an upcaster turns it into v${latestStep.to}: the chain has a cycle`,
          "Upcasters go from older versions to newer ones; remove this one",
          latestStep.source,
        ),
      );
    }
    for (const event of versions) {
      if (event.version === latest) continue;
      const seen = new Set([event.version]);
      let at = event.version;
      while (at !== latest) {
        const step = out.get(at);
        if (step === undefined) {
          const contract = versions.find((candidate) => candidate.version === at) ?? event;
          diagnostics.push(
            diagnostic(
              "POSTBUS_UPCASTER_CHAIN",
              `${eventType} v${at} has no upcaster, so stored v${event.version} events cannot reach v${latest}: the chain is missing a step`,
              `Add upcasters/${eventType}.v${at}-to-v<next>.ts next to the contracts (each older version needs one step towards v${latest})`,
              contract.source,
            ),
          );
          break;
        }
        if (seen.has(step.to)) {
          diagnostics.push(
            diagnostic(
              "POSTBUS_UPCASTER_CHAIN",
              `${eventType}: the upcaster v${step.from} → v${step.to} leads back to a version already on the chain from v${event.version} (a cycle)`,
              "Upcasters go from older versions to newer ones; remove or rename this one",
              step.source,
            ),
          );
          break;
        }
        seen.add(step.to);
        at = step.to;
      }
    }
  }
  return dedupe(diagnostics);
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.location.file}:${d.location.line}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
