/**
 * Retention: deletes old events that no consumer group needs any more, in bounded batches (one
 * short statement per id window, each its own transaction), so publishing and consuming go on
 * while it runs. Dead letters keep their own copy of their event, so pruning never loses them.
 */
import type { Executor } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { pruneStatements } from "../sql/prune-statements.js";
import { checkEventName, checkSchemaName, quoteIdentifier } from "../validate/check-name.js";
import { groupsReleasingRetention } from "./group-retention.js";

/** Options of {@link pruneEvents}. */
export interface PruneOptions {
  /** Schema that holds Postbus's tables. Default `public`. */
  readonly schema?: string;
  /** Only events older than this: a duration in ms before now, or a time. Required. */
  readonly olderThan: number | Date;
  /** Count what would go, delete nothing. */
  readonly dryRun?: boolean;
  /** Ids per statement (1…100,000). Default 10,000. */
  readonly batchSize?: number;
  /**
   * Consumer groups that do not hold retention back (a group that is gone, or reads only live
   * events): their cursors are ignored. Every other group keeps every event it has not passed.
   */
  readonly ignoreGroups?: readonly string[];
}

/** What {@link pruneEvents} did. */
export interface PruneResult {
  /** Events deleted (or, with `dryRun`, that would be). */
  readonly deleted: number;
  /** Statements run. */
  readonly batches: number;
  /**
   * Groups whose cursors were ignored: `ignoreGroups`, then those that declared they do not hold
   * retention back (`setGroupRetention(group, false)`), read once when the prune starts.
   */
  readonly ignoredGroups: readonly string[];
  /** The cutoff applied. */
  readonly cutoff: Date;
  readonly dryRun: boolean;
  readonly durationMs: number;
}

/**
 * Deletes events older than `olderThan` that every consumer group reading their channel has
 * passed (its `(tx, id)` cursor at or after them), that are below the read horizon, and that are
 * not requests still waiting for a reply. Walks the id range of old events in windows of
 * `batchSize`, one autocommitted statement each.
 *
 * A group that declared it does not hold retention back (`setGroupRetention(group, false)`,
 * `postbus retention <group> release`) is ignored like one in `ignoreGroups`.
 *
 * Not protected: a group created later, or a channel a group adds later, with `from: "beginning"`
 * cannot see what was pruned; nor can a `resetGroup` back past it.
 *
 * @example
 * ```ts
 * const result = await pruneEvents(fromPool(pool), { olderThan: 30 * 86_400_000 });
 * console.log(`${result.deleted} events pruned in ${result.batches} batches`);
 * ```
 */
export async function pruneEvents(executor: Executor, options: PruneOptions): Promise<PruneResult> {
  const started = performance.now();
  if (typeof options !== "object" || options === null)
    throw invalid("options", "prune expects { olderThan }");
  const schema = checkSchemaName(options.schema ?? "public");
  const cutoff = readCutoff(options.olderThan);
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw invalid(
      "batchSize",
      `batchSize must be a whole number from 1 to 100000 (got ${String(batchSize)})`,
    );
  }
  if (options.ignoreGroups !== undefined && !Array.isArray(options.ignoreGroups)) {
    throw invalid("ignoreGroups", "ignoreGroups must be an array of consumer group names");
  }
  const given = (options.ignoreGroups ?? []).map((group, index) =>
    checkEventName(group, "consumer group", { field: `ignoreGroups[${index}]` }),
  );
  const dryRun = options.dryRun === true;
  const sql = pruneStatements(quoteIdentifier(schema));
  const released = await groupsReleasingRetention(executor, quoteIdentifier(schema));
  const ignored = [...new Set([...given, ...released])];
  const { rows } = await executor.query<{ low: number | null; high: number | null }>(sql.range, [cutoff]);
  const low = rows[0]?.low;
  const high = rows[0]?.high;
  let deleted = 0;
  let batches = 0;
  if (low !== null && low !== undefined && high !== null && high !== undefined) {
    for (let from = low - 1; from < high; from += batchSize) {
      const to = Math.min(from + batchSize, high);
      if (dryRun) {
        const counted = await executor.query<{ n: number }>(sql.countWindow, [cutoff, ignored, from, to]);
        deleted += counted.rows[0]?.n ?? 0;
      } else {
        const result = await executor.query(sql.deleteWindow, [cutoff, ignored, from, to]);
        deleted += result.rowCount ?? 0;
      }
      batches += 1;
    }
  }
  return Object.freeze({
    deleted,
    batches,
    ignoredGroups: Object.freeze(ignored),
    cutoff,
    dryRun,
    durationMs: Math.round(performance.now() - started),
  });
}

function readCutoff(olderThan: unknown): Date {
  if (olderThan instanceof Date) {
    if (Number.isNaN(olderThan.getTime())) throw invalid("olderThan", "olderThan is an invalid Date");
    return olderThan;
  }
  if (typeof olderThan !== "number" || !Number.isFinite(olderThan) || olderThan < 0) {
    throw invalid("olderThan", "olderThan must be a duration in ms (≥ 0) or a Date");
  }
  return new Date(Date.now() - olderThan);
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: "Pass { olderThan: <ms or Date>, dryRun?, batchSize?, ignoreGroups? }",
  });
}
