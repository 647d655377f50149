import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs `bench/<script> --json` under tsx in a process of its own (with `BENCH_RUNS` runs
 * per measurement) and returns the object on its `BENCH_RESULT {…}` line.
 */
export async function runBenchScript<T>(script: string, runs: number): Promise<T> {
  const file = path.join(import.meta.dirname, "..", script);
  const { stdout } = await run(process.execPath, ["--import", "tsx", file, "--json"], {
    env: { ...process.env, BENCH_RUNS: String(runs) },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split("\n").find((text) => text.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`${script} printed no BENCH_RESULT:\n${stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as T;
}
