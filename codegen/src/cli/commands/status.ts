import { fromPool, type PostbusStatus, readStatus } from "@postbus/client";
import { connect, type DatabaseFlags } from "../connect.js";
import { usageError } from "../usage-error.js";

/**
 * `postbus status [--json]`: consumer groups (cursor, lag, failing event, dead
 * letters), channels, request-response figures, the table, and any transaction
 * holding delivery back.
 * Human-readable by default; `--json` prints the `readStatus` object on one line.
 */
export async function statusCommand(
  args: readonly string[],
  flags: DatabaseFlags & { readonly json?: boolean | undefined },
  out: (line: string) => void,
): Promise<void> {
  if (args.length > 0) throw usageError("status takes no arguments", "Usage: postbus status [--json]");
  const connection = connect(flags);
  try {
    const status = await readStatus(fromPool(connection.pool), { schema: connection.bus.schema });
    if (flags.json) out(JSON.stringify(status));
    else for (const line of formatStatus(status, connection.bus.schema)) out(line);
  } finally {
    await connection.close();
  }
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
    const who = tx.pid === null ? "prepared transaction" : `pid ${tx.pid}`;
    lines.push(
      `  ${who} in ${tx.database ?? "?"}, ${tx.state ?? "?"} for ${seconds(tx.ageSeconds)}, xid ${tx.backendXid}: ${oneLine(tx.query ?? "")}`,
    );
  }
  lines.push("", "Consumer groups:");
  if (status.groups.length === 0) lines.push("  none");
  for (const group of status.groups) {
    const dead = group.deadLetters;
    lines.push(
      `  ${group.group}: last active ${time(group.lastActiveAt)}; dead letters ${dead.dead} dead, ${dead.redrive} to redrive, ${dead.redriven} redriven`,
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
