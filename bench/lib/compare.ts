import type { Cell, Target } from "../scenarios/types.js";
import { type Stats, summarize } from "./stats.js";

/**
 * Runs baseline and Postbus alternately: one warm-up of each (discarded), then `rounds` rounds in
 * ABBA order — even rounds baseline first, odd rounds Postbus first, references last — so a drift
 * of the machine (another tenant, a warming cache) does not favour one side. Each call measures
 * one cell and returns one sample (a throughput, a duration).
 */
export async function alternate(options: {
  readonly rounds: number;
  readonly warmup?: boolean;
  readonly baseline: () => Promise<number>;
  readonly postbus: () => Promise<number>;
  readonly references?: Readonly<Record<string, () => Promise<number>>>;
}): Promise<{ baseline: number[]; postbus: number[]; references: Record<string, number[]> }> {
  const references = Object.fromEntries(
    Object.keys(options.references ?? {}).map((name) => [name, [] as number[]]),
  );
  if (options.warmup !== false) {
    await options.baseline();
    await options.postbus();
  }
  const baseline: number[] = [];
  const postbus: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      baseline.push(await options.baseline());
      postbus.push(await options.postbus());
    } else {
      postbus.push(await options.postbus());
      baseline.push(await options.baseline());
    }
    for (const [name, run] of Object.entries(options.references ?? {})) references[name]!.push(await run());
  }
  return { baseline, postbus, references };
}

/**
 * Builds a cell and judges its target. With paired samples (one baseline and one Postbus sample
 * per round) and the median compared, the ratio is the median of the per-round ratios, and the
 * spread is their range; otherwise it is the ratio of the two sides' compared statistic.
 */
export function makeCell(options: {
  readonly label: string;
  readonly unit: string;
  readonly compare?: keyof Stats;
  readonly baselineName: string;
  readonly baseline: readonly number[] | Stats;
  readonly postbus: readonly number[] | Stats;
  readonly target?: Target;
  readonly references?: Readonly<Record<string, readonly number[] | Stats>>;
  readonly note?: string;
}): Cell {
  const compare = options.compare ?? "median";
  const stats = (value: readonly number[] | Stats): Stats =>
    Array.isArray(value) ? summarize(value) : (value as Stats);
  const baseline = stats(options.baseline);
  const postbus = stats(options.postbus);
  const references = Object.entries(options.references ?? {}).map(([name, value]) => {
    const s = stats(value);
    return { name, stats: s, ratio: s[compare] / baseline[compare] };
  });
  const paired =
    Array.isArray(options.baseline) &&
    Array.isArray(options.postbus) &&
    options.baseline.length === options.postbus.length
      ? (options.postbus as number[]).map((value, index) => value / (options.baseline as number[])[index]!)
      : [];
  const ratio =
    paired.length > 0 && compare === "median"
      ? summarize(paired).median
      : postbus[compare] / baseline[compare];
  return {
    label: options.label,
    unit: options.unit,
    compare,
    baselineName: options.baselineName,
    baseline,
    postbus,
    ratio,
    ...(paired.length > 0 && paired.length <= 50
      ? {
          samples: {
            baseline: options.baseline as readonly number[],
            postbus: options.postbus as readonly number[],
          },
        }
      : {}),
    ...(paired.length > 1 && compare === "median"
      ? { ratioRange: [Math.min(...paired), Math.max(...paired)] as const }
      : {}),
    ...(options.target ? { target: options.target, holds: judge(options.target, ratio) } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...(options.note ? { note: options.note } : {}),
  };
}

/** Whether `value` meets `target`. */
export function judge(target: Target, value: number): boolean {
  return target.op === ">=" ? value >= target.value : value <= target.value;
}
