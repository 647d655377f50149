import {
  checkHealth,
  fromPool,
  type HealthThresholds,
  type PostbusStatus,
  readStatus,
  statusToPrometheus,
} from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { deprecatedVersions } from "../../deprecated-versions.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus status`. */
export interface StatusFlags extends DatabaseFlags {
  readonly json?: boolean | undefined;
  readonly format?: string | undefined;
  readonly check?: boolean | undefined;
  readonly "max-lag-seconds"?: string | undefined;
  readonly "max-dead-letters"?: string | undefined;
  readonly "max-stall-seconds"?: string | undefined;
  /** The config whose contracts say which versions are deprecated; default: found from the current folder upward. */
  readonly config?: string | undefined;
  /** Count deprecated publishes over this many of the newest events (default 10,000). */
  readonly "publish-window"?: string | undefined;
}

const USAGE =
  "Usage: postbus status [--json | --format text|json|prometheus] [--config PATH] [--publish-window N] [--check [--max-lag-seconds N] [--max-dead-letters N] [--max-stall-seconds N]]";

/**
 * `postbus status`: consumer groups (cursor, lag, failing event, dead letters), channels,
 * request-response figures, the table, any transaction holding delivery back, and — with the
 * contracts of the config found upward (or `--config`) — the recent publishes of deprecated
 * contract versions per producer (over `--publish-window` newest events). Text by
 * default; `--json` (or `--format json`) prints the `readStatus` object on one line,
 * `--format prometheus` the Prometheus text format. `--check` judges the status instead
 * (`checkHealth`): one line per problem and exit status 1, or `ok` and 0 — for cron, CI and probes.
 */
export async function statusCommand(
  args: readonly string[],
  flags: StatusFlags,
  out: (line: string) => void,
  cwd: string = process.cwd(),
): Promise<number> {
  if (args.length > 0) throw usageError("status takes no arguments", USAGE);
  const format = flags.json ? "json" : (flags.format ?? "text");
  if (format !== "text" && format !== "json" && format !== "prometheus") {
    throw usageError(`--format must be text, json or prometheus (got ${JSON.stringify(format)})`, USAGE);
  }
  const thresholds = readThresholdFlags(flags);
  const publishWindow = readWindowFlag(flags["publish-window"]);
  const contracts = flags.check ? undefined : await deprecatedVersions(cwd, flags.config);
  const connection = connect(flags);
  try {
    const status = await readStatus(fromPool(connection.pool), {
      schema: connection.bus.schema,
      ...(contracts === undefined ? {} : { deprecatedVersions: contracts.versions }),
      ...(publishWindow === undefined ? {} : { publishWindow }),
    });
    if (flags.check) {
      const report = checkHealth(status, thresholds);
      if (format === "json") out(JSON.stringify(report));
      else if (report.ok) out("ok: no stall, dead letters or lag beyond the limits");
      else for (const problem of report.problems) out(`problem: ${problem.message}`);
      return report.ok ? 0 : 1;
    }
    if (format === "json") out(JSON.stringify(status));
    else if (format === "prometheus")
      out(statusToPrometheus(status, { schema: connection.bus.schema }).trimEnd());
    else for (const line of formatStatus(status, connection.bus.schema)) out(line);
    return 0;
  } finally {
    await connection.close();
  }
}

function readWindowFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 1_000_000) {
    throw usageError(
      `--publish-window must be an integer from 1 to 1000000 (got ${JSON.stringify(text)})`,
      USAGE,
    );
  }
  return value;
}

/** The `--max-…` flags as health thresholds; they need `--check` (which `postbus metrics` implies). */
export function readThresholdFlags(flags: StatusFlags): HealthThresholds {
  const given = (["max-lag-seconds", "max-dead-letters", "max-stall-seconds"] as const).filter(
    (name) => flags[name] !== undefined,
  );
  if (given.length > 0 && !flags.check) throw usageError(`--${given[0]} needs --check`, USAGE);
  const number = (name: (typeof given)[number]): number | undefined => {
    const text = flags[name];
    if (text === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(text)) {
      throw usageError(`--${name} must be a number ≥ 0 (got ${JSON.stringify(text)})`, USAGE);
    }
    return Number(text);
  };
  const lag = number("max-lag-seconds");
  const dead = number("max-dead-letters");
  const stall = number("max-stall-seconds");
  return {
    ...(lag === undefined ? {} : { maxLagSeconds: lag }),
    ...(dead === undefined ? {} : { maxDeadLetters: dead }),
    ...(stall === undefined ? {} : { maxStallSeconds: stall }),
  };
}

/** The status as text lines for a person. */
export function formatStatus(status: PostbusStatus, schema: string): string[] {
  const lines = [
    `PostgreSQL ${status.server.version}, schema ${schema}, read horizon ${status.server.readHorizon}`,
    "",
    "Holding delivery back:",
  ];
  if (status.holdingBack.length === 0) lines.push("  nothing");
  for (const tx of status.holdingBack) {
    const who =
      tx.pid === null
        ? "prepared transaction"
        : `pid ${tx.pid}${tx.applicationName ? ` (${JSON.stringify(tx.applicationName)})` : ""}`;
    lines.push(
      `  ${who} in ${tx.database ?? "?"}, ${tx.state ?? "?"} for ${seconds(tx.ageSeconds)}, xid ${tx.backendXid}: ${oneLine(tx.query ?? "")}`,
    );
  }
  lines.push("", "Consumer groups:");
  if (status.groups.length === 0) lines.push("  none");
  for (const group of status.groups) {
    const dead = group.deadLetters;
    lines.push(
      `  ${group.group}: last active ${time(group.lastActiveAt)}; dead letters ${dead.dead} dead, ${dead.redrive} to redrive, ${dead.redriven} redriven${group.holdsRetention ? "" : "; does not hold retention back"}`,
    );
    for (const cursor of group.channels) {
      const lag = `${cursor.lagCapped ? "≥" : ""}${count(cursor.lagEvents)} behind`;
      lines.push(
        `    ${cursor.channel} at ${cursor.position}: ${lag}${cursor.lagEvents > 0 ? `, oldest ${seconds(cursor.lagSeconds)}` : ""}`,
      );
    }
    const failing = group.failing;
    if (failing) {
      lines.push(
        `    failing on ${failing.position} after ${failing.attempts} attempt${failing.attempts === 1 ? "" : "s"}, retry ${time(failing.retryAt)}: ${oneLine(failing.lastError ?? "")}`,
      );
    }
  }
  lines.push("", "Channels:");
  if (status.channels.length === 0) lines.push("  none");
  for (const channel of status.channels) {
    lines.push(
      `  ${channel.channel}: ${channel.eventsCapped ? "≥" : ""}${count(channel.events)} events, last ${time(channel.lastEventAt)}`,
    );
  }
  lines.push("", "Requests (most recent):");
  if (status.requests.length === 0) lines.push("  none");
  for (const request of status.requests) {
    const trip = request.roundTripMs;
    lines.push(
      `  ${request.requestType} on ${request.channel}: ${count(request.requests)} requests, ${count(request.answered)} answered (${count(request.errorReplies)} with an error reply), ${count(request.pending)} waiting, ${count(request.expired)} expired unanswered, ${count(request.lateReplies)} late replies`,
    );
    lines.push(
      `    round trip ${trip === null ? "n/a" : `p50 ${trip.p50} ms, p99 ${trip.p99} ms, max ${trip.max} ms`}${request.pending > 0 ? `; oldest waiting ${seconds(request.oldestPendingSeconds)}` : ""}; last request ${time(request.lastRequestAt)}`,
    );
  }
  const table = status.table;
  lines.push(
    "",
    `Table: ${table.eventsCapped ? "≥" : ""}${count(table.events)} events, ${bytes(table.totalBytes)}, ${count(table.deadLetters)} dead letters`,
  );
  const deprecated = status.deprecatedPublishes;
  if (deprecated !== null) {
    lines.push(
      "",
      `Deprecated contract versions published (newest ${count(deprecated.events)} events${deprecated.since === null ? "" : `, since ${time(deprecated.since)}`}):`,
    );
    if (deprecated.versions.length === 0) lines.push("  no version is deprecated");
    else if (deprecated.publishes.length === 0)
      lines.push(
        `  none of ${deprecated.versions.map((item) => `${item.eventType} v${item.version}`).join(", ")}`,
      );
    for (const item of deprecated.publishes) {
      lines.push(
        `  ${item.eventType} v${item.version} by ${item.producer ?? "(no producer)"}: ${count(item.publishes)} publishes, last ${time(item.lastPublishedAt)}`,
      );
    }
  }
  return lines;
}

const count = (n: number) => n.toLocaleString("en-US");
const time = (date: Date | null) => (date === null ? "never" : date.toISOString());
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function seconds(value: number): string {
  if (value < 120) return `${value.toFixed(1)} s`;
  if (value < 7200) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

function bytes(value: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}
