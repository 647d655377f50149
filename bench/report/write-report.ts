import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { latencyChart, throughputChart } from "./charts.js";
import { renderMarkdown } from "./markdown.js";
import { renderPng } from "./render-png.js";
import type { RunResult } from "./run-result.js";

/**
 * Writes `<out>/benchmarks.md` and `<out>/benchmarks/{results.json,latency.svg,throughput.svg}`
 * (+ PNGs when Chromium is available). Returns the paths written.
 */
export async function writeReport(run: RunResult, out: string): Promise<string[]> {
  const folder = path.join(out, "benchmarks");
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  const write = async (file: string, text: string) => {
    await writeFile(file, text);
    written.push(path.relative(process.cwd(), file));
  };
  const results = run.scenarios.map((scenario) => scenario.result);
  const distributions = results.flatMap((result) => result?.distributions ?? []);
  const throughputs = results.flatMap((result) => result?.throughputs ?? []);
  const charts: string[] = [];
  if (distributions.length > 0) {
    const svg = latencyChart(distributions);
    await write(path.join(folder, "latency.svg"), svg);
    charts.push("latency.svg");
    if (await renderPng(svg, path.join(folder, "latency.png"))) written.push("latency.png");
  }
  if (throughputs.length > 0) {
    const svg = throughputChart(throughputs);
    await write(path.join(folder, "throughput.svg"), svg);
    charts.push("throughput.svg");
    if (await renderPng(svg, path.join(folder, "throughput.png"))) written.push("throughput.png");
  }
  await write(path.join(folder, "results.json"), `${JSON.stringify(run, null, 1)}\n`);
  await write(path.join(out, "benchmarks.md"), renderMarkdown(run, { charts }));
  return written;
}
