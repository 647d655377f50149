import type { Cell } from "../scenarios/types.js";

/** One line for the console. */
export function summaryLine(cell: Cell): string {
  const verdict = cell.holds === undefined ? "" : cell.holds ? " (holds)" : " (MISS)";
  const base = cell.baseline ? `${Math.round(cell.baseline[cell.compare])} → ` : "";
  return `${base}${Math.round(cell.postbus[cell.compare])} ${cell.unit}, ratio ${cell.ratio?.toFixed(3) ?? "-"}${verdict}`;
}
