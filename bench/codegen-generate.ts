/**
 * Benchmark of `postbus generate` on a synthetic corpus: 300 schema files (30
 * shared definition files, 270 events in 10 domains, a third of them YAML) with
 * cross-file, `$id` and local refs. Prints timings; asserts nothing.
 *
 *   pnpm exec tsx bench/codegen-generate.ts [--no-emit] [--json]
 *
 * `--json` adds one last line `BENCH_RESULT {…}` with every sample (ms), for `pnpm bench`;
 * BENCH_RUNS sets the runs per measurement (default 5).
 *
 * Budgets (issue 4): a full generate < 5 s; a one-file change under --watch < 300 ms. Issue 17: a
 * fresh `postbus generate` < 3 s (measured after a one-file edit and with nothing changed).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { generateCommand } from "../codegen/src/cli/commands/generator/generate.js";
import { loadConfig } from "../codegen/src/config/load-config.js";
import type { EmitTypesPackage } from "../codegen/src/emit/emit-types-package.js";
import { createGenerateCache, generate } from "../codegen/src/generate.js";
import { DOMAINS, EVENTS, eventPath, eventSchema, SHARED, writeCorpus } from "./lib/schema-corpus.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const withEmit = !process.argv.includes("--no-emit");
const json = process.argv.includes("--json");
const { emitTypesPackage } = await import("../codegen/src/emit/index.js");
const { emitCatalog } = await import("../codegen/src/emit/catalog/index.js");
const { forgetEmitMemos } = await import("../codegen/src/emit/memo.js");
/** What `postbus generate` emits: the types package and the event catalog. */
const emit: EmitTypesPackage | undefined = withEmit
  ? async (model, config) => [...(await emitTypesPackage(model, config)), ...emitCatalog(model, config)]
  : undefined;

const root = await mkdtemp(path.join(os.tmpdir(), "postbus-bench-"));
try {
  await writeCorpus(root);
  const { config } = await loadConfig({ cwd: root });
  if (config === undefined) throw new Error("bad config");
  console.log(
    `corpus: ${SHARED + EVENTS} schema files in ${root}; emitter: ${withEmit ? "types package + catalog" : "none"}`,
  );

  const cold = await timed(() => generate(config, { emit }));
  if (cold.result.diagnostics.length > 0)
    throw new Error(JSON.stringify(cold.result.diagnostics.slice(0, 3)));
  console.log(
    `cold generate: ${ms(cold.ms)} (${cold.result.files.length} files, ${cold.result.model?.definitions.length} definitions)`,
  );

  const full: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    forgetEmitMemos(); // a true full run: nothing reused from the previous one
    full.push((await timed(() => generate(config, { emit }))).ms);
  }
  console.log(`full generate, no cache: ${summary(full)}`);

  const cache = createGenerateCache();
  await generate(config, { emit, cache });
  const incremental: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await writeFile(path.join(root, eventPath(42)), eventSchema(42, 42 % DOMAINS, `run ${run}`));
    const { result, ms: took } = await timed(() => generate(config, { emit, cache }));
    if (result.diagnostics.length > 0) throw new Error(JSON.stringify(result.diagnostics.slice(0, 3)));
    incremental.push(took);
  }
  console.log(`one file changed, with the watch cache: ${summary(incremental)}`);

  const watch = await watchEndToEnd(root, emit);
  console.log(`--watch end to end (edit → "generated" line): ${summary(watch)}`);
  const fresh = await cliRuns(root);
  if (fresh === undefined)
    console.log("postbus generate as a fresh process: skipped, run `pnpm build` first");
  else {
    console.log(`postbus generate as a fresh process, after a one-file edit: ${summary(fresh.edited)}`);
    console.log(`postbus generate as a fresh process, schemas unchanged: ${summary(fresh.unchanged)}`);
  }
  if (json) {
    console.log(
      `BENCH_RESULT ${JSON.stringify({ schemas: SHARED + EVENTS, cold: cold.ms, full, incremental, watch, process: fresh })}`,
    );
  }
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}

async function watchEndToEnd(folder: string, emitter: EmitTypesPackage | undefined): Promise<number[]> {
  const lines: string[] = [];
  const stop = new AbortController();
  const noFiles: EmitTypesPackage = async () => [];
  const done = generateCommand(
    { config: path.join(folder, "postbus.config.json"), watch: true },
    { out: (line) => lines.push(line), err: (line) => lines.push(line), signal: stop.signal },
    emitter ?? noFiles,
  );
  await until(() => lines.some((line) => line.startsWith("postbus: watching")));
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const before = lines.length;
    const started = performance.now();
    await writeFile(path.join(folder, eventPath(77)), eventSchema(77, 77 % DOMAINS, `watch ${run}`));
    await until(() => lines.slice(before).some((line) => line.includes(`${eventPath(77)} changed`)));
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const line of lines.slice(-2)) console.log(`  ${line.slice(0, 160)}`);
  stop.abort();
  await done;
  return times;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)}, min ${ms(sorted[0] ?? 0)}, max ${ms(sorted.at(-1) ?? 0)} (${values.length} runs)`;
}

/**
 * Wall time of `node codegen/dist/cli.js generate` in a fresh process, as a user runs it (needs
 * `pnpm build`), build of dist/ included, in a project with `node_modules/` (where the build and
 * Prettier caches live): after a one-file edit, and again with nothing changed.
 */
async function cliRuns(folder: string): Promise<{ edited: number[]; unchanged: number[] } | undefined> {
  const cli = path.join(import.meta.dirname, "..", "codegen", "dist", "cli.js");
  const { existsSync } = await import("node:fs");
  const { mkdir } = await import("node:fs/promises");
  const { execFileSync } = await import("node:child_process");
  if (!existsSync(cli)) return undefined;
  await mkdir(path.join(folder, "node_modules"), { recursive: true });
  const run = () => {
    const started = performance.now();
    execFileSync(process.execPath, [cli, "generate", "--config", path.join(folder, "postbus.config.json")], {
      stdio: "ignore",
    });
    return performance.now() - started;
  };
  const edited: number[] = [];
  const unchanged: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    await writeFile(path.join(folder, eventPath(42)), eventSchema(42, 42 % DOMAINS, `cli ${index}`));
    edited.push(run());
    unchanged.push(run());
  }
  return { edited, unchanged };
}
