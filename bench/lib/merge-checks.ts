import type { Check } from "../scenarios/types.js";

/**
 * One check per name: a check repeated over rounds passes when every round
 * passed; the detail is the first failure's, or the last pass's with the count.
 */
export function mergeChecks(checks: readonly Check[]): Check[] {
  const byName = new Map<string, Check[]>();
  for (const check of checks) byName.set(check.name, [...(byName.get(check.name) ?? []), check]);
  return [...byName.entries()].map(([name, runs]) => {
    const failed = runs.filter((run) => !run.ok);
    if (failed.length > 0)
      return {
        name,
        ok: false,
        detail: `${failed.length} of ${runs.length} runs failed; first: ${failed[0]!.detail}`,
      };
    return {
      name,
      ok: true,
      detail: runs.length > 1 ? `${runs.length} runs, last: ${runs.at(-1)!.detail}` : runs[0]!.detail,
    };
  });
}
