import type pg from "pg";
import type { ConsumerProcess } from "../lib/consumer-process.js";
import type { BenchDatabase } from "../lib/database.js";
import type { Stats } from "../lib/stats.js";

/** A performance target on the ratio Postbus ÷ baseline (or on an absolute value). */
export interface Target {
  /** `>=`: the value must be at least `value`; `<=`: at most. */
  readonly op: ">=" | "<=";
  readonly value: number;
  /** The wording, for the report. */
  readonly text: string;
  /** What is compared: the ratio (default) or Postbus's own value (absolute targets such as codegen times). */
  readonly on?: "ratio" | "value";
}

/** One measured comparison: a baseline and Postbus doing the same work. */
export interface Cell {
  /** What varies within the scenario, e.g. "8 publishers". */
  readonly label: string;
  /** Unit of the samples, e.g. "events/s" or "ms". */
  readonly unit: string;
  /** Which statistic the ratio compares (median for throughput, p99 for latency). */
  readonly compare: keyof Stats;
  readonly baselineName: string;
  /** Absent for absolute targets (codegen). */
  readonly baseline?: Stats;
  readonly postbus: Stats;
  /** postbus[compare] ÷ baseline[compare]. */
  readonly ratio?: number;
  /** Lowest and highest ratio of the rounds, each Postbus sample over the baseline sample measured next to it. */
  readonly ratioRange?: readonly [number, number];
  readonly target?: Target;
  /** Whether the target holds (undefined: no target). */
  readonly holds?: boolean;
  /** The per-round samples behind a throughput cell (latency cells keep only their statistics). */
  readonly samples?: { readonly baseline: readonly number[]; readonly postbus: readonly number[] };
  /** Other systems measured alongside, for reference (not judged). */
  readonly references?: readonly { readonly name: string; readonly stats: Stats; readonly ratio: number }[];
  readonly note?: string;
}

/** A correctness check: a failure fails the whole run. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A latency distribution, for the chart and the JSON. */
export interface Distribution {
  readonly label: string;
  readonly system: string;
  readonly stats: Stats;
}

/** A throughput, for the chart and the JSON. */
export interface Throughput {
  readonly label: string;
  readonly system: string;
  readonly perSecond: number;
}

/** What a scenario returns. */
export interface ScenarioResult {
  readonly cells: readonly Cell[];
  readonly checks: readonly Check[];
  readonly distributions?: readonly Distribution[];
  readonly throughputs?: readonly Throughput[];
  /** Free-form facts for the JSON (rates chosen, raw samples). */
  readonly details?: Record<string, unknown>;
  /** Extra tables for the report (e.g. the peers table), rendered before the cells. */
  readonly tables?: readonly {
    readonly headers: readonly string[];
    readonly rows: readonly (readonly string[])[];
  }[];
  /** Lines for the report under the scenario's table. */
  readonly notes?: readonly string[];
}

/** What the runner hands every scenario. */
export interface BenchContext {
  readonly db: BenchDatabase;
  /** A small pool on the benchmark database for setup and resets. */
  readonly admin: pg.Pool;
  readonly consumer: ConsumerProcess;
  /** Smoke-run mode: shorter cells, fewer rounds. */
  readonly quick: boolean;
  /** A/B rounds per cell (after one warm-up of each side). */
  readonly rounds: number;
  /** Scales a full-run duration (ms) down in quick mode. */
  duration(fullMs: number): number;
  log(line: string): void;
}

/**
 * A benchmark scenario. Adding one is one module exporting a `Scenario` and one
 * line in `scenarios/index.ts`.
 */
export interface Scenario {
  /** Short id, used by `--only`. */
  readonly name: string;
  /** Heading in the report. */
  readonly title: string;
  /** The target in the words. */
  readonly target: string;
  run(context: BenchContext): Promise<ScenarioResult>;
}
