import type { Distribution, Throughput } from "../scenarios/types.js";
import { formatNumber } from "./markdown.js";

const COLORS: Record<string, string> = {
  postbus: "#2563eb",
  raw: "#6b7280",
  "raw-pg": "#6b7280",
  "no publish": "#6b7280",
  "raw INSERT": "#6b7280",
  "pg-boss": "#d97706",
  "redis-streams": "#dc2626",
  rabbitmq: "#ea580c",
  "nats-jetstream": "#059669",
};

function color(system: string): string {
  return COLORS[system] ?? "#7c3aed";
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Left column width: fits the longest label at ~6.6 px per character. */
let LABEL_WIDTH = 340;
const PLOT_WIDTH = 560;
const ROW = 22;
const TOP = 56;

function fitLabels(labels: readonly string[]): void {
  LABEL_WIDTH = Math.max(200, Math.ceil(Math.max(...labels.map((label) => label.length)) * 6.6) + 24);
}

/** A log-scale axis from 10^lo to 10^hi over the plot width. */
function logAxis(min: number, max: number) {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = Math.ceil(Math.log10(Math.max(max, 10 ** (lo + 1))));
  const x = (value: number) =>
    LABEL_WIDTH + ((Math.log10(Math.max(value, 10 ** lo)) - lo) / (hi - lo)) * PLOT_WIDTH;
  const ticks: number[] = [];
  for (let power = lo; power <= hi; power++) ticks.push(10 ** power);
  return { x, ticks };
}

function frame(title: string, subtitle: string, rows: number, body: string[], axis: string[]): string {
  const height = TOP + rows * ROW + 40;
  const width = LABEL_WIDTH + PLOT_WIDTH + 150;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="600" fill="#111827">${escapeXml(title)}</text>`,
    `<text x="12" y="40" fill="#4b5563">${escapeXml(subtitle)}</text>`,
    ...axis,
    ...body,
    "</svg>",
  ].join("\n");
}

function axisLines(ticks: number[], x: (value: number) => number, rows: number, unit: string): string[] {
  const bottom = TOP + rows * ROW;
  return ticks.flatMap((tick) => [
    `<line x1="${x(tick).toFixed(1)}" y1="${TOP - 6}" x2="${x(tick).toFixed(1)}" y2="${bottom}" stroke="#e5e7eb"/>`,
    `<text x="${x(tick).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" fill="#374151">${formatNumber(tick)}${unit}</text>`,
  ]);
}

/**
 * Latency distributions as ranges on a log axis: a dot at p50, a thick bar to
 * p99, a thin line to the max. One row per system and cell.
 */
export function latencyChart(distributions: readonly Distribution[]): string {
  fitLabels(distributions.map((d) => `${d.label} — ${d.system}`));
  const max = Math.max(...distributions.map((d) => d.stats.max), 10);
  const min = Math.min(...distributions.map((d) => d.stats.median), 1);
  const { x, ticks } = logAxis(min / 2, max);
  const body: string[] = [];
  distributions.forEach((d, index) => {
    const y = TOP + index * ROW + ROW / 2;
    const c = color(d.system);
    body.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 4}" text-anchor="end" fill="#111827">${escapeXml(`${d.label} — ${d.system}`)}</text>`,
      `<line x1="${x(d.stats.p99).toFixed(1)}" y1="${y}" x2="${x(d.stats.max).toFixed(1)}" y2="${y}" stroke="${c}" stroke-width="1.5"/>`,
      `<rect x="${x(d.stats.median).toFixed(1)}" y="${y - 5}" width="${Math.max(1.5, x(d.stats.p99) - x(d.stats.median)).toFixed(1)}" height="10" fill="${c}" opacity="0.45"/>`,
      `<circle cx="${x(d.stats.median).toFixed(1)}" cy="${y}" r="4" fill="${c}"/>`,
      `<text x="${(x(d.stats.max) + 6).toFixed(1)}" y="${y + 4}" fill="#374151">${formatNumber(d.stats.median)} / ${formatNumber(d.stats.p99)} / ${formatNumber(d.stats.max)}</text>`,
    );
  });
  return frame(
    "Latency, send → handler in another process (ms, log scale)",
    "dot = p50, bar = p50…p99, line = p99…max; numbers: p50 / p99 / max. Open-loop, from the scheduled send time.",
    distributions.length,
    body,
    axisLines(ticks, x, distributions.length, ""),
  );
}

/** Throughputs as bars on a log axis, one row per system and cell. */
export function throughputChart(throughputs: readonly Throughput[]): string {
  fitLabels(throughputs.map((t) => `${t.label} — ${t.system}`));
  const max = Math.max(...throughputs.map((t) => t.perSecond), 10);
  const min = Math.min(...throughputs.map((t) => t.perSecond), 100);
  const { x, ticks } = logAxis(min / 2, max);
  const body: string[] = [];
  throughputs.forEach((t, index) => {
    const y = TOP + index * ROW + ROW / 2;
    const left = x(ticks[0]!);
    body.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 4}" text-anchor="end" fill="#111827">${escapeXml(`${t.label} — ${t.system}`)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y - 7}" width="${Math.max(1, x(t.perSecond) - left).toFixed(1)}" height="14" fill="${color(t.system)}" opacity="0.8"/>`,
      `<text x="${(x(t.perSecond) + 6).toFixed(1)}" y="${y + 4}" fill="#374151">${formatNumber(t.perSecond)}/s</text>`,
    );
  });
  return frame(
    "Throughput (per second, log scale)",
    "Median of the measured rounds. Blue: Postbus; grey: raw PostgreSQL baseline; purple: reference rows; other colours: peers.",
    throughputs.length,
    body,
    axisLines(ticks, x, throughputs.length, ""),
  );
}
