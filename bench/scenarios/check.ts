import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { judge } from "../lib/compare.js";
import { summarize } from "../lib/stats.js";
import type { Scenario } from "./types.js";

const run = promisify(execFile);

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
    const script = path.join(import.meta.dirname, "..", "codegen-check.ts");
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, "--json"], {
      env: { ...process.env, BENCH_RUNS: context.quick ? "2" : "5" },
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = stdout.split("\n").find((text) => text.startsWith("BENCH_RESULT "));
    if (!line) throw new Error(`codegen-check printed no BENCH_RESULT:\n${stdout}`);
    const samples = JSON.parse(line.slice("BENCH_RESULT ".length)) as CheckSamples;
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
