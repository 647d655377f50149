/**
 * Health is a verdict on a status: thresholds in, a list of what is wrong out, each naming the
 * group, channel or backend at fault. Pure: `bus.health()` and `postbus status --check` read the
 * status first.
 */
import { PostbusInputError } from "../errors/postbus-error.js";
import type { PostbusStatus } from "../monitor/postbus-status.js";

/** Limits a healthy Postbus stays within. */
export interface HealthThresholds {
  /**
   * A group's next event may wait at most this long (seconds). Default: not checked (a group that
   * is simply idle behind a slow producer is not unhealthy; set it for your latency budget).
   */
  readonly maxLagSeconds?: number;
  /** A group may have at most this many dead letters in status `dead`. Default 0. */
  readonly maxDeadLetters?: number;
  /**
   * A transaction may hold the read horizon at most this long (seconds) while a group has events
   * waiting. Default 30.
   */
  readonly maxStallSeconds?: number;
}

/** One thing that is wrong. */
export type HealthProblem =
  | {
      readonly kind: "lag";
      readonly group: string;
      readonly channel: string;
      readonly lagSeconds: number;
      readonly limit: number;
      readonly message: string;
    }
  | {
      readonly kind: "dead-letters";
      readonly group: string;
      readonly deadLetters: number;
      readonly limit: number;
      readonly message: string;
    }
  | {
      readonly kind: "stall";
      /** Groups with events waiting. */
      readonly groups: readonly string[];
      readonly pid: number | null;
      readonly database: string | null;
      readonly applicationName: string | null;
      readonly state: string | null;
      readonly ageSeconds: number;
      readonly query: string | null;
      readonly limit: number;
      readonly message: string;
    };

/** What {@link checkHealth} found. */
export interface HealthReport {
  /** True when nothing is wrong. */
  readonly ok: boolean;
  /** What is wrong, stalls first, then dead letters, then lag. */
  readonly problems: readonly HealthProblem[];
  /** The thresholds applied (defaults filled in). */
  readonly thresholds: Required<Omit<HealthThresholds, "maxLagSeconds">> & {
    readonly maxLagSeconds: number | null;
  };
}

/** Default {@link HealthThresholds.maxStallSeconds}. */
export const DEFAULT_MAX_STALL_SECONDS = 30;

/**
 * Judges a status against thresholds.
 *
 * @example
 * ```ts
 * const report = checkHealth(await readStatus(fromPool(pool)), { maxLagSeconds: 60 });
 * if (!report.ok) for (const problem of report.problems) console.error(problem.message);
 * ```
 */
export function checkHealth(status: PostbusStatus, thresholds: HealthThresholds = {}): HealthReport {
  const applied = readHealthThresholds(thresholds);
  const problems: HealthProblem[] = [];
  const waiting = status.groups
    .filter((group) => group.channels.some((cursor) => cursor.lagEvents > 0))
    .map((group) => group.group);
  const holder = status.holdingBack[0];
  if (holder !== undefined && waiting.length > 0 && holder.ageSeconds > applied.maxStallSeconds) {
    const who =
      holder.pid === null
        ? `a prepared transaction in database ${JSON.stringify(holder.database ?? "?")}`
        : `backend ${holder.pid} (database ${JSON.stringify(holder.database ?? "?")}, application_name ${JSON.stringify(holder.applicationName ?? "")}, ${holder.state ?? "unknown state"})`;
    problems.push({
      kind: "stall",
      groups: waiting,
      pid: holder.pid,
      database: holder.database,
      applicationName: holder.applicationName,
      state: holder.state,
      ageSeconds: holder.ageSeconds,
      query: holder.query,
      limit: applied.maxStallSeconds,
      message: `delivery is stalled: ${who} has held the read horizon for ${holder.ageSeconds.toFixed(1)} s (limit ${applied.maxStallSeconds} s) while ${waiting.map((g) => JSON.stringify(g)).join(", ")} wait; its query: ${JSON.stringify(holder.query ?? "")}. End it (SELECT pg_terminate_backend(${holder.pid ?? "pid"})) and set idle_in_transaction_session_timeout`,
    });
  }
  for (const group of status.groups) {
    if (group.deadLetters.dead > applied.maxDeadLetters) {
      problems.push({
        kind: "dead-letters",
        group: group.group,
        deadLetters: group.deadLetters.dead,
        limit: applied.maxDeadLetters,
        message: `consumer group ${JSON.stringify(group.group)} has ${group.deadLetters.dead} dead letter${group.deadLetters.dead === 1 ? "" : "s"} (limit ${applied.maxDeadLetters}); see postbus dlq list --group ${group.group}`,
      });
    }
  }
  if (applied.maxLagSeconds !== null) {
    for (const group of status.groups) {
      for (const cursor of group.channels) {
        if (cursor.lagEvents > 0 && cursor.lagSeconds > applied.maxLagSeconds) {
          problems.push({
            kind: "lag",
            group: group.group,
            channel: cursor.channel,
            lagSeconds: cursor.lagSeconds,
            limit: applied.maxLagSeconds,
            message: `consumer group ${JSON.stringify(group.group)} lags on ${JSON.stringify(cursor.channel)}: its next event is ${cursor.lagSeconds.toFixed(1)} s old (limit ${applied.maxLagSeconds} s), ${cursor.lagCapped ? "≥" : ""}${cursor.lagEvents} events behind`,
          });
        }
      }
    }
  }
  return Object.freeze({ ok: problems.length === 0, problems: Object.freeze(problems), thresholds: applied });
}

/** Checks thresholds and fills in the defaults; throws `POSTBUS_OPTIONS_INVALID` naming the field. */
export function readHealthThresholds(thresholds: HealthThresholds): HealthReport["thresholds"] {
  if (typeof thresholds !== "object" || thresholds === null) {
    throw invalid("thresholds", "health thresholds must be an object");
  }
  return Object.freeze({
    maxLagSeconds: limit(thresholds.maxLagSeconds, null, "maxLagSeconds"),
    maxDeadLetters: limit(thresholds.maxDeadLetters, 0, "maxDeadLetters") as number,
    maxStallSeconds: limit(
      thresholds.maxStallSeconds,
      DEFAULT_MAX_STALL_SECONDS,
      "maxStallSeconds",
    ) as number,
  });
}

function limit(value: unknown, fallback: number | null, field: string): number | null {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalid(
      field,
      `${field} must be a number ≥ 0 (got ${typeof value === "number" ? value : typeof value})`,
    );
  }
  return value;
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: "Pass { maxLagSeconds?, maxDeadLetters?, maxStallSeconds? } as non-negative numbers",
  });
}
