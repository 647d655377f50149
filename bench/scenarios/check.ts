import { runBenchScript } from "../lib/bench-script.js";
import { judge } from "../lib/compare.js";
import { summarize } from "../lib/stats.js";
import type { Scenario } from "./types.js";

/** The samples `bench/codegen-check.ts --json` prints. */
interface CheckSamples {
  readonly schemas: number;
  readonly process: string;
  readonly times: number[];
  readonly summary: { readonly breaking: number; readonly changed: number };
}

/**
 * `postbus check --against HEAD` on the synthetic 300-schema corpus in a git repository,
 * five files edited (one breaking; a shared definition reached by every event), as a
 * fresh process each run (bench/codegen-check.ts). Absolute target.
 */
export const checkScenario: Scenario = {
  name: "check",
  title: "postbus check, 300-schema corpus against a git ref",
  target: "< 3 s as a fresh process",
  async run(context) {
    const samples = await runBenchScript<CheckSamples>("codegen-check.ts", context.quick ? 2 : 5);
    const stats = summarize(samples.times);
    const target = { op: "<=", value: 3000, text: "< 3 s", on: "value" } as const;
    context.log(`check: median ${Math.round(stats.median)} ms (${samples.process})`);
    return {
      cells: [
        {
          label: `postbus check, ${samples.schemas} schemas, ${samples.summary.changed} changed, fresh process (${samples.process})`,
          unit: "ms",
          compare: "median",
          baselineName: "– (absolute target)",
          postbus: stats,
          target,
          holds: judge(target, stats.median),
        },
      ],
      checks: [
        {
          name: "postbus check finds the breaking edit",
          ok: samples.summary.breaking > 0,
          detail: `${samples.summary.breaking} breaking`,
        },
      ],
      details: { ...samples },
      notes: [
        `Runs: ${samples.times.length}. Each run is a new process reading the ref from git (no checkout) and comparing every event; the shared-definition edit makes all ${samples.summary.changed} events changed.`,
      ],
    };
  },
};
