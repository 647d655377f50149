import type { Executor } from "../driver/executor.js";
import type { MonitorStatements } from "../sql/monitor-statements.js";
import type { RequestTypeStatus } from "./postbus-status.js";

interface RequestRow {
  request_type: string | null;
  channel: string;
  sent_text: string | null;
  sent_at: Date;
  expires_at: string | null;
  replied_text: string | null;
  replied_at: Date | null;
  is_error: boolean;
}

/** An envelope timestamp, or `fallback` (the row's `created_at`) when it is missing or malformed. */
function instant(text: string | null, fallback: Date): number {
  const parsed = text === null ? Number.NaN : Date.parse(text);
  return Number.isNaN(parsed) ? fallback.getTime() : parsed;
}

interface Tally {
  requestType: string;
  channel: string;
  requests: number;
  answered: number;
  errorReplies: number;
  pending: number;
  expired: number;
  lateReplies: number;
  roundTrips: number[];
  oldestPendingAt: number | undefined;
  lastRequestAt: Date;
}

/**
 * Request-response figures over the `window` most recent requests: answered,
 * error replies, pending, expired, late replies and round-trip percentiles, by
 * request type and channel (sorted by both).
 */
export async function readRequests(
  executor: Executor,
  statements: MonitorStatements,
  window: number,
  now: Date = new Date(),
): Promise<RequestTypeStatus[]> {
  const { rows } = await executor.query<RequestRow>(statements.requests, [window]);
  const tallies = new Map<string, Tally>();
  for (const row of rows) {
    const requestType = row.request_type ?? row.channel;
    const key = `${requestType}\u0000${row.channel}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = {
        requestType,
        channel: row.channel,
        requests: 0,
        answered: 0,
        errorReplies: 0,
        pending: 0,
        expired: 0,
        lateReplies: 0,
        roundTrips: [],
        oldestPendingAt: undefined,
        lastRequestAt: row.sent_at,
      };
      tallies.set(key, tally);
    }
    tally.requests += 1;
    if (row.sent_at > tally.lastRequestAt) tally.lastRequestAt = row.sent_at;
    const sent = instant(row.sent_text, row.sent_at);
    const expiresAt = row.expires_at === null ? Number.NaN : Date.parse(row.expires_at);
    if (row.replied_at !== null) {
      const replied = instant(row.replied_text, row.replied_at);
      tally.answered += 1;
      if (row.is_error) tally.errorReplies += 1;
      if (replied > expiresAt) tally.lateReplies += 1;
      tally.roundTrips.push(Math.max(0, replied - sent));
    } else if (expiresAt < now.getTime()) {
      tally.expired += 1;
    } else {
      // No reply yet, and either its requester still waits or the request set no deadline.
      tally.pending += 1;
      tally.oldestPendingAt = Math.min(tally.oldestPendingAt ?? Number.POSITIVE_INFINITY, sent);
    }
  }
  return [...tallies.values()]
    .sort((a, b) => a.requestType.localeCompare(b.requestType) || a.channel.localeCompare(b.channel))
    .map(({ roundTrips, oldestPendingAt, ...tally }) => ({
      ...tally,
      roundTripMs: percentiles(roundTrips),
      oldestPendingSeconds:
        oldestPendingAt === undefined ? 0 : Math.max(0, (now.getTime() - oldestPendingAt) / 1000),
    }));
}

function percentiles(values: number[]): RequestTypeStatus["roundTripMs"] {
  if (values.length === 0) return null;
  const sorted = values.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
