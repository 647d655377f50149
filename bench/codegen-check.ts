/**
 * Benchmark of `postbus check` on the synthetic 300-schema corpus (bench/lib/schema-corpus.ts)
 * committed to a fresh git repository: each run edits four event files (one breaking, three
 * compatible) and one shared definition file (reached by nine events), then runs
 * `postbus check --against HEAD` as a fresh process, as CI does. Prints timings; asserts
 * only that the verdict is the expected one.
 *
 *   pnpm exec tsx bench/codegen-check.ts [--json]
 *
 * The process is the built CLI (codegen/dist/cli.js) when there is one, else the CLI from
 * source under tsx (its start-up included). `--json` adds `BENCH_RESULT {…}` for
 * `pnpm bench`; BENCH_RUNS sets the runs (default 5). Budget (issue 11): < 3 s.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { EVENTS, eventPath, SHARED, writeCorpus } from "./lib/schema-corpus.js";

const exec = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const json = process.argv.includes("--json");
const repository = path.join(import.meta.dirname, "..");
const built = path.join(repository, "codegen", "dist", "cli.js");
const command = existsSync(built)
  ? { kind: "built CLI", argv: [built] }
  : {
      kind: "CLI from source under tsx",
      // By URL: the corpus folder has no node_modules to resolve tsx from.
      argv: [
        "--import",
        pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
        path.join(repository, "codegen", "src", "cli.ts"),
      ],
    };

const root = await mkdtemp(path.join(os.tmpdir(), "postbus-bench-check-"));
try {
  await writeCorpus(root);
  const git = (...args: string[]) =>
    exec("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", ...args], { cwd: root });
  await git("init", "-q");
  await git("add", ".");
  await git("commit", "-qm", "corpus");
  await editCorpus(root);
  console.log(`corpus: ${SHARED + EVENTS} schema files in ${root}, 5 edited; process: ${command.kind}`);
  const times: number[] = [];
  let last = "";
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = await exec(process.execPath, [...command.argv, "check", "--format", "json"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "", TSX_TSCONFIG_PATH: path.join(repository, "tsconfig.json") },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code !== 1) throw new Error(`postbus check failed (${error.code}): ${error.stderr}`);
      return { stdout: error.stdout ?? "" };
    });
    times.push(performance.now() - started);
    last = result.stdout;
  }
  const output = JSON.parse(last) as { summary: { breaking: number; unproven: number; changed: number } };
  if (output.summary.breaking === 0) throw new Error("the breaking edit was not found");
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `postbus check --against HEAD, fresh process: median ${Math.round(median)} ms (${sorted.map(Math.round).join(", ")}); ${output.summary.changed} changed, ${output.summary.breaking} breaking, ${output.summary.unproven} unproven`,
  );
  if (json)
    console.log(
      `BENCH_RESULT ${JSON.stringify({ schemas: SHARED + EVENTS, process: command.kind, times, summary: output.summary })}`,
    );
} finally {
  await rm(root, { recursive: true, force: true });
}

/** One breaking edit (a bound raised), three compatible ones, and a shared definition widened. */
async function editCorpus(folder: string): Promise<void> {
  const editJson = async (file: string, change: (schema: Record<string, unknown>) => void) => {
    const target = path.join(folder, file);
    const schema = JSON.parse(await readFile(target, "utf8"));
    change(schema);
    await writeFile(target, JSON.stringify(schema, null, 2));
  };
  const jsonEvents = [1, 2, 4, 5].map(eventPath).filter((file) => file.endsWith(".json"));
  const [breaking, ...compatible] = jsonEvents;
  await editJson(breaking as string, (schema) => {
    (schema.properties as Record<string, Record<string, unknown>>).note = { type: "string", maxLength: 20 };
  });
  for (const file of compatible) {
    await editJson(file, (schema) => {
      schema.description = "Reworded.";
      (schema.properties as Record<string, Record<string, unknown>>).note = {
        type: "string",
        maxLength: 500,
      };
    });
  }
  await editJson("schemas/shared/common3.json", (schema) => {
    (schema.properties as Record<string, Record<string, unknown>>).amount = { type: "number", minimum: -100 };
  });
}
