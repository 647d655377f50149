import type { ScenarioResult } from "../scenarios/types.js";
import type { MachineInfo } from "./machine.js";

/** One scenario's outcome in a run. */
export interface ScenarioOutcome {
  readonly name: string;
  readonly title: string;
  readonly target: string;
  readonly seconds: number;
  readonly result?: ScenarioResult;
  /** Set when the scenario threw: the run fails. */
  readonly error?: string;
}

/** Everything a run measured: written as results.json and rendered as Markdown and charts. */
export interface RunResult {
  readonly startedAt: string;
  readonly seconds: number;
  readonly quick: boolean;
  readonly rounds: number;
  readonly payloadBytes: number;
  readonly machine: MachineInfo;
  readonly scenarios: readonly ScenarioOutcome[];
  /** False when a correctness check failed or a scenario crashed. */
  readonly ok: boolean;
}
