import type { Cell } from "../scenarios/types.js";
import { BOUNDS, VARIATION } from "./bounds.js";
import type { RunResult } from "./run-result.js";

/** Formats a number for a table: 3 significant digits, thousands separated. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(cell: Cell): string {
  if (cell.holds === undefined) return "–";
  return cell.holds ? "✅ holds" : "❌ miss";
}

function spread(cell: Cell, which: "baseline" | "postbus"): string {
  const stats = which === "baseline" ? cell.baseline : cell.postbus;
  if (!stats) return "–";
  if (cell.compare === "median") {
    return `${formatNumber(stats.median)} (${formatNumber(stats.min)}–${formatNumber(stats.max)})`;
  }
  return `p50 ${formatNumber(stats.median)} · p99 ${formatNumber(stats.p99)} · max ${formatNumber(stats.max)}`;
}

/** The table of one scenario's cells. */
function cellTable(cells: readonly Cell[]): string[] {
  const lines = [
    "| cell | baseline | baseline value | Postbus | ratio | target | verdict |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const cell of cells) {
    const range = cell.ratioRange
      ? ` (rounds ${cell.ratioRange[0].toFixed(2)}–${cell.ratioRange[1].toFixed(2)})`
      : "";
    const ratio =
      cell.ratio === undefined
        ? "–"
        : `${cell.ratio.toFixed(2)}×${cell.compare === "median" ? "" : ` (${cell.compare})`}${range}`;
    lines.push(
      `| ${cell.label} | ${cell.baselineName} | ${spread(cell, "baseline")} | ${spread(cell, "postbus")} ${cell.unit} | ${ratio} | ${cell.target?.text ?? "–"} | ${verdict(cell)} |`,
    );
    for (const reference of cell.references ?? []) {
      lines.push(
        `| ↳ reference | ${reference.name} | ${
          cell.compare === "median"
            ? `${formatNumber(reference.stats.median)} (${formatNumber(reference.stats.min)}–${formatNumber(reference.stats.max)})`
            : `p50 ${formatNumber(reference.stats.median)} · p99 ${formatNumber(reference.stats.p99)}`
        } ${cell.unit} | | ${reference.ratio.toFixed(2)}× of baseline | – | – |`,
      );
    }
    if (cell.note) lines.push(`| | ${cell.note} | | | | | |`);
  }
  return lines;
}

/** Renders docs/benchmarks.md from a run. */
export function renderMarkdown(run: RunResult, links: { readonly charts: readonly string[] }): string {
  const m = run.machine;
  const pg = m.postgres;
  const out: string[] = [
    "# Benchmarks",
    "",
    `Measured by \`pnpm bench\` (issue 7) on ${run.startedAt.slice(0, 16).replace("T", " ")} UTC in ${Math.round(run.seconds)} s${run.quick ? " — **quick mode: smoke numbers only**" : ""}. Regenerate with \`pnpm bench\`; this file, [\`benchmarks/results.json\`](benchmarks/results.json) and the charts are written by it.`,
    "",
    ...links.charts.map((chart) => `![${chart}](benchmarks/${chart})`),
    "",
    "## Machine",
    "",
    "| | |",
    "| --- | --- |",
    `| CPU | ${m.cpus} cores (${m.cpuModel}), shared with other work; load average at start ${m.loadAverage.join(" / ")} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS, Node | ${m.os}, Node ${m.node} |`,
    `| PostgreSQL | ${pg.server_version} on the same machine (127.0.0.1) |`,
    `| PostgreSQL settings | ${Object.entries(pg)
      .filter(([name]) => name !== "server_version")
      .map(([name, value]) => `\`${name}\` = ${value}`)
      .join(", ")} |`,
    `| payload | ${run.payloadBytes} bytes of JSON per event, the same for every system |`,
    `| rounds | ${run.rounds} measured rounds per cell after one warm-up of each side, alternating baseline / Postbus |`,
    "",
    "## Summary",
    "",
    "| scenario | cell | ratio | target | verdict |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const scenario of run.scenarios) {
    for (const cell of scenario.result?.cells ?? []) {
      if (!cell.target) continue;
      const value =
        cell.target.on === "value"
          ? `${formatNumber(cell.postbus[cell.compare])} ${cell.unit}`
          : `${cell.ratio?.toFixed(2)}×`;
      out.push(`| ${scenario.title} | ${cell.label} | ${value} | ${cell.target.text} | ${verdict(cell)} |`);
    }
  }
  const checks = run.scenarios.flatMap((scenario) => scenario.result?.checks ?? []);
  out.push(
    "",
    `Correctness: ${checks.filter((check) => check.ok).length} of ${checks.length} checks passed${
      run.ok ? "." : " — **the run FAILED**."
    }`,
    "",
  );
  for (const scenario of run.scenarios) {
    out.push(
      `## ${scenario.title}`,
      "",
      `Target: ${scenario.target}. (${Math.round(scenario.seconds)} s)`,
      "",
    );
    if (scenario.error) {
      out.push("**The scenario crashed:**", "", "```", scenario.error, "```", "");
      continue;
    }
    const result = scenario.result!;
    for (const table of result.tables ?? []) {
      out.push(`| ${table.headers.join(" | ")} |`, `| ${table.headers.map(() => "---").join(" | ")} |`);
      for (const row of table.rows) out.push(`| ${row.join(" | ")} |`);
      out.push("");
    }
    if (result.cells.length > 0) out.push(...cellTable(result.cells), "");
    for (const note of result.notes ?? []) out.push(`- ${note}`);
    if ((result.notes ?? []).length > 0) out.push("");
    if (result.checks.length > 0) {
      out.push("| correctness check | result | detail |", "| --- | --- | --- |");
      for (const check of result.checks)
        out.push(`| ${check.name} | ${check.ok ? "✅ pass" : "❌ FAIL"} | ${check.detail} |`);
      out.push("");
    }
  }
  out.push(...closingNote(run), VARIATION, METHOD);
  return `${out.join("\n")}\n`;
}

/** The misses, by how much, and what bounds each scenario's ratio. */
function closingNote(run: RunResult): string[] {
  const out = ["## Closing note: targets missed, by how much, and what bounds them", ""];
  for (const scenario of run.scenarios) {
    const missed = (scenario.result?.cells ?? []).filter((cell) => cell.holds === false);
    if (missed.length === 0) continue;
    out.push(`**${scenario.title}.** Missed: ${missed.map(describeMiss).join("; ")}.`, "");
    const bound = BOUNDS[scenario.name];
    if (bound) out.push(bound, "");
  }
  if (out.length === 2) out.push("Every target held in this run.", "");
  return out;
}

function describeMiss(cell: Cell): string {
  const target = cell.target!;
  const value = target.on === "value" ? cell.postbus[cell.compare] : cell.ratio!;
  const shown = target.on === "value" ? `${formatNumber(value)} ${cell.unit}` : `${value.toFixed(2)}×`;
  const gap = target.op === ">=" ? (1 - value / target.value) * 100 : (value / target.value - 1) * 100;
  return `${cell.label} at ${shown} against ${target.text} (${gap.toFixed(0)}% ${target.op === ">=" ? "short" : "over"})`;
}

const METHOD = `## How to read this, and the method

- **Ratios, not absolutes.** The machine is shared and noisy, so every target is a ratio of Postbus to a
  raw node-postgres baseline doing the same work (same payload, pool size and concurrency) measured
  side by side in the same run: one warm-up of each side, then alternating baseline / Postbus rounds.
  Throughput cells show the median of the rounds and their min–max; the ratio compares medians.
- **Fresh state per cell.** The run creates its own database (\`postbus_bench_<pid>\`) on the server, migrates
  it, truncates every table before each cell and drops the database at the end.
- **The raw baselines.** \`raw_events\` has the events table's columns and index but no wake-up trigger.
  The raw consumer LISTENs and reads \`WHERE channel = $1 AND id > cursor ORDER BY id\` in a transaction that
  also saves its cursor: what a careful user writes by hand. It is *not* gap-safe (it can skip a row whose
  transaction commits after a later id was read); Postbus reads in \`(tx, id)\` order below the oldest running
  transaction and pays for that.
- **Latency** is measured from the *scheduled* send time of an open-loop schedule (sends are not held back
  when the system is slow, so queueing counts: no coordinated omission) to the moment the handler runs in a
  **separate consumer process**. p50, p99 and max are over every event of every round; the ratio compares p99.
- **Peers** run on the same machine in the same run with the same payload and the same consumer process:
  latency at the same open-loop rate, and throughput as *N* messages sent as fast as 8 publishers can
  (each awaiting its commit, ack or confirm) until the last one is consumed. Their durability differs:
  see the peers table.
- **Correctness** is checked in the same run (every event delivered exactly once, none skipped, under
  concurrent publishers and transactions that commit out of order; a 1%-traffic channel). A failed check
  makes \`pnpm bench\` exit non-zero; a missed performance target is reported, not fatal.
`;
