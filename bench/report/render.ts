/**
 * Re-renders the report (Markdown and charts) from a results.json, without measuring:
 *
 *   pnpm exec tsx bench/report/render.ts [docs]
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { RunResult } from "./run-result.js";
import { writeReport } from "./write-report.js";

const out = path.resolve(process.argv[2] ?? "docs");
const run = JSON.parse(await readFile(path.join(out, "benchmarks", "results.json"), "utf8")) as RunResult;
console.log((await writeReport(run, out)).join("\n"));
