import type { CallSite, CodeScan, ConsumerSite, ProducerSite } from "./code-scan.js";
import type { DriftFinding } from "./compare-declarations.js";

/** A scan and its drift against the contracts, as `postbus scan --json` prints it. */
export interface ScanReport {
  readonly scan: CodeScan;
  /** Empty when the declarations are true to the code. */
  readonly drift: readonly DriftFinding[];
}

/**
 * The report as JSON: `{ files, calls, events, dynamic, drift }` (documented in
 * docs/scan.md), two-space indented.
 */
export function formatScanJson(report: ScanReport): string {
  return JSON.stringify({ ...report.scan, drift: report.drift }, null, 2);
}

/**
 * The report as text, one line per call: per event type its producers and consumers with
 * file:line:column, then the calls the scan could not read, then the drift.
 *
 * @example
 * ```text
 * order.placed
 *   produced by orders  src/orders.ts:12:9 publish
 *   consumed by risk (group risk.check.requested.responders)  src/risk.ts:30:7 respond
 * ```
 */
export function formatScanText(report: ScanReport): string[] {
  const { scan, drift } = report;
  const lines = [
    `postbus scan: ${count(scan.files, "file")}, ${count(scan.calls, "Postbus call")}, ${count(scan.events.length, "event type")} in the code`,
  ];
  for (const event of scan.events) {
    lines.push(event.eventType);
    for (const site of event.producers)
      lines.push(`  produced by ${producerLabel(site)}  ${where(site)} ${site.method}`);
    for (const site of event.consumers)
      lines.push(
        `  consumed by ${consumerLabel(site)}  ${where(site)} ${site.method}${site.method === "request" ? " (its reply)" : ""}`,
      );
  }
  if (scan.dynamic.length > 0) {
    lines.push("not literals (the scan cannot tell what these publish or consume):");
    for (const call of scan.dynamic) {
      const oneOf =
        call.candidates.length > 0
          ? ` (one of ${call.candidates.map((value) => `"${value}"`).join(", ")})`
          : "";
      lines.push(`  ${where(call)} ${call.method} ${call.argument} \`${call.text}\`${oneOf}`);
    }
  }
  if (drift.length === 0) {
    lines.push("no drift: the contracts' producers and consumers match the code");
    return lines;
  }
  lines.push("drift against the contracts' x-postbus declarations:");
  for (const finding of drift) lines.push(`  ${driftLine(finding)}`);
  lines.push(`postbus scan: ${count(drift.length, "drift finding")}`);
  return lines;
}

/** One finding as a sentence, with where to fix it. */
export function driftLine(finding: DriftFinding): string {
  const declared =
    finding.declaredIn === undefined ? "" : ` (${finding.declaredIn.file}:${finding.declaredIn.line})`;
  const sites = finding.sites.map(where).join(", ");
  const name = `"${finding.name}"`;
  switch (finding.kind) {
    case "declared-not-produced":
      return `${finding.eventType}: producer ${name} is declared${declared} but publishes it nowhere in the code`;
    case "declared-not-consumed":
      return `${finding.eventType}: consumer ${name} is declared${declared} but consumes it nowhere in the code`;
    case "produced-not-declared":
      return `${finding.eventType}: published by ${name} at ${sites}, which its contract does not declare as a producer`;
    case "consumed-not-declared":
      return `${finding.eventType}: consumed by ${name} at ${sites}, which its contract does not declare as a consumer`;
    case "not-in-contracts":
      return `${finding.eventType}: used at ${sites} but no contract defines it (regenerate the types package?)`;
  }
}

function producerLabel(site: ProducerSite): string {
  return site.slice ?? site.package ?? "(unnamed)";
}

function consumerLabel(site: ConsumerSite): string {
  const name = site.slice ?? site.group ?? site.package ?? "(unnamed)";
  return site.group === undefined || site.group === name ? name : `${name} (group ${site.group})`;
}

function where(site: CallSite): string {
  return `${site.file}:${site.line}:${site.column}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
