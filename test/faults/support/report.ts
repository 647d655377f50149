/** The one line each scenario prints, and its verdict. */
import { expect } from "vitest";
import type { Outcome } from "./outcomes.js";

/**
 * Prints `faults: <scenario>: events N, lost 0, duplicated 0, out-of-order 0, recovery 1.23 s`
 * (plus `extra`), then fails the test on any non-zero count or a missing recovery.
 */
export function reportScenario(
  scenario: string,
  outcome: Outcome,
  recovery: readonly (number | undefined)[],
  extra = "",
): void {
  const measured = recovery.filter((seconds): seconds is number => seconds !== undefined);
  const missing = recovery.length - measured.length;
  const worst = measured.length > 0 ? Math.max(...measured) : undefined;
  const recoveryText =
    recovery.length === 0
      ? "recovery n/a"
      : `recovery ${worst === undefined ? "none" : `${worst.toFixed(2)} s`}${
          recovery.length > 1 ? ` (max of ${recovery.length}${missing > 0 ? `, ${missing} never` : ""})` : ""
        }`;
  const phantom = outcome.phantom > 0 ? `, rolled back but visible ${outcome.phantom}` : "";
  const line =
    `faults: ${scenario}: events ${outcome.events}, lost ${outcome.lost}, duplicated ${outcome.duplicated}, ` +
    `out-of-order ${outcome.outOfOrder}${phantom}, ${recoveryText}${extra ? `; ${extra}` : ""}`;
  console.log(line);
  expect({ ...outcome, events: undefined, recoveryMissing: missing }).toEqual({
    events: undefined,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    phantom: 0,
    recoveryMissing: 0,
  });
  expect(outcome.events).toBeGreaterThan(0);
}
