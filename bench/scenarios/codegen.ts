import { runBenchScript } from "../lib/bench-script.js";
import { judge } from "../lib/compare.js";
import { type Stats, summarize } from "../lib/stats.js";
import type { Cell, Scenario } from "./types.js";

/** The samples `bench/codegen-generate.ts --json` prints. */
interface CodegenSamples {
  readonly schemas: number;
  readonly cold: number;
  readonly full: number[];
  readonly incremental: number[];
  readonly watch: number[];
  /** `postbus generate` as a fresh process (build included); absent when the CLI is not built. */
  readonly process?: { readonly edited: number[]; readonly unchanged: number[] };
}

/**
 * `postbus generate` on the synthetic 300-schema corpus (bench/codegen-generate.ts,
 * run in its own process): a full generate with nothing cached, and `--watch`
 * from a one-file edit to the "generated" line. Absolute targets.
 */
export const codegenScenario: Scenario = {
  name: "codegen",
  title: "postbus generate, 300-schema corpus",
  target: "full generate < 3 s; --watch one-file change < 200 ms (issue 17)",
  async run(context) {
    const samples = await runBenchScript<CodegenSamples>("codegen-generate.ts", context.quick ? 2 : 5);
    const full = summarize(samples.full);
    const watch = summarize(samples.watch);
    const absolute = (label: string, stats: Stats, limit: number, text: string): Cell => {
      const target = { op: "<=", value: limit, text, on: "value" } as const;
      return {
        label,
        unit: "ms",
        compare: "median",
        baselineName: "– (absolute target)",
        postbus: stats,
        target,
        holds: judge(target, stats.median),
      };
    };
    const cold = summarize([samples.cold]);
    const cells = [
      // Judged on the first generate of a fresh process, as a user's `postbus generate` runs.
      absolute(
        `full generate, ${samples.schemas} schemas, first run in a fresh process`,
        cold,
        3000,
        "< 3 s",
      ),
      {
        ...absolute(`full generate, ${samples.schemas} schemas, warm re-runs (reference)`, full, 5000, "–"),
        target: undefined,
        holds: undefined,
      },
      absolute("--watch, one file changed", watch, 200, "< 200 ms"),
      ...(samples.process === undefined
        ? []
        : [
            absolute(
              `postbus generate, fresh process, ${samples.schemas} schemas unchanged (build and format caches)`,
              summarize(samples.process.unchanged),
              3000,
              "< 3 s",
            ),
            {
              ...absolute(
                `postbus generate, fresh process, after a one-file edit (dist/ rebuilt: reference)`,
                summarize(samples.process.edited),
                3000,
                "–",
              ),
              target: undefined,
              holds: undefined,
            },
          ]),
    ];
    context.log(
      `codegen: cold ${Math.round(samples.cold)} ms, warm median ${Math.round(full.median)} ms, watch median ${Math.round(watch.median)} ms`,
    );
    return {
      cells,
      checks: [],
      details: { ...samples },
      notes: [
        `Runs of each: ${samples.full.length}; cold first generate ${Math.round(samples.cold)} ms; with the watch cache and no file watcher: median ${Math.round(summarize(samples.incremental).median)} ms. Median (min–max) shown. The full generate includes Prettier formatting and the event catalog.`,
      ],
    };
  },
};
