import type { Executor } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { groupsReleasingRetention } from "../retention/group-retention.js";
import { monitorStatements } from "../sql/monitor-statements.js";
import { checkSchemaName, quoteIdentifier } from "../validate/check-name.js";
import { describeValue } from "../validate/describe-value.js";
import type { PostbusStatus } from "./postbus-status.js";
import { readChannels } from "./read-channels.js";
import { readGroups } from "./read-groups.js";
import { readRequests } from "./read-requests.js";
import { readServer } from "./read-server.js";
import { type ContractVersionRef, readVersionPublishes } from "./read-version-publishes.js";

/** Default {@link ReadStatusOptions.countCap}. */
export const DEFAULT_COUNT_CAP = 100_000;
/** Default {@link ReadStatusOptions.requestWindow}. */
export const DEFAULT_REQUEST_WINDOW = 10_000;
/** Default {@link ReadStatusOptions.publishWindow}. */
export const DEFAULT_PUBLISH_WINDOW = 10_000;

/** Options of {@link readStatus}. */
export interface ReadStatusOptions {
  /** Schema that holds Postbus's tables. Default `public`. */
  readonly schema?: string;
  /**
   * Stop counting a channel's events, or a cursor's lag, at this many (1…10,000,000);
   * the result then says `lagCapped` / `eventsCapped`. Counting walks the index, so the
   * cap bounds the cost of a status on a large table. Default 100,000.
   */
  readonly countCap?: number;
  /** Request-response figures cover this many of the most recent requests (1…1,000,000). Default 10,000. */
  readonly requestWindow?: number;
  /**
   * Contract versions that are deprecated: the status then counts their recent publishes per
   * producer (`deprecatedPublishes`), by `metadata.contract_version`. Absent: not counted (null).
   */
  readonly deprecatedVersions?: readonly ContractVersionRef[];
  /** Deprecated publishes are counted over this many of the most recent events (1…1,000,000). Default 10,000. */
  readonly publishWindow?: number;
}

/**
 * Reads the figures of `postbus status`: the read horizon and the transactions
 * holding it, each consumer group's cursors, lag, failing event and dead
 * letters, each channel's events, request-response figures and, given `deprecatedVersions`, the
 * recent publishes of deprecated contract versions per producer. Five (six) read-only statements, none of
 * which takes a transaction id (so a status never holds delivery back).
 *
 * Transactions of other users show in `holdingBack` only when the role may
 * see them (superuser, or a member of `pg_read_all_stats` / `pg_monitor`).
 *
 * @example
 * ```ts
 * const status = await readStatus(fromPool(pool), { schema: "public" });
 * for (const group of status.groups) {
 *   for (const cursor of group.channels) {
 *     lagGauge.set({ group: group.group, channel: cursor.channel }, cursor.lagEvents);
 *   }
 * }
 * if (status.holdingBack[0] && status.holdingBack[0].ageSeconds > 60) {
 *   console.warn(`pid ${status.holdingBack[0].pid} holds delivery back`);
 * }
 * ```
 */
export async function readStatus(
  executor: Executor,
  options: ReadStatusOptions = {},
): Promise<PostbusStatus> {
  const schemaName = checkSchemaName(options.schema ?? "public");
  const cap = checkCount(options.countCap, DEFAULT_COUNT_CAP, "countCap", 10_000_000);
  const window = checkCount(options.requestWindow, DEFAULT_REQUEST_WINDOW, "requestWindow", 1_000_000);
  const publishWindow = checkCount(options.publishWindow, DEFAULT_PUBLISH_WINDOW, "publishWindow", 1_000_000);
  if (options.deprecatedVersions !== undefined && !Array.isArray(options.deprecatedVersions)) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `Invalid deprecatedVersions ${describeValue(options.deprecatedVersions)}`,
      {
        subject: { field: "deprecatedVersions" },
        hint: 'Pass a list such as [{ eventType: "order.placed", version: 1 }]',
      },
    );
  }
  const statements = monitorStatements(quoteIdentifier(schemaName));
  // One after another: the executor may be a single client, which must not run two statements at once.
  const server = await readServer(executor, statements);
  const released = new Set(await groupsReleasingRetention(executor, quoteIdentifier(schemaName)));
  const groups = await readGroups(executor, statements, cap, released);
  const channels = await readChannels(executor, statements, cap);
  const requests = await readRequests(executor, statements, window);
  const table = await executor.query<{ total_bytes: number; dead_letters: number }>(statements.table, [
    schemaName,
  ]);
  const sizes = table.rows[0];
  const deprecatedPublishes =
    options.deprecatedVersions === undefined
      ? null
      : await readVersionPublishes(
          executor,
          quoteIdentifier(schemaName),
          options.deprecatedVersions,
          publishWindow,
        );
  return {
    server: server.server,
    holdingBack: server.holdingBack,
    groups,
    channels,
    requests,
    table: {
      events: channels.reduce((sum, channel) => sum + channel.events, 0),
      eventsCapped: channels.some((channel) => channel.eventsCapped),
      totalBytes: sizes?.total_bytes ?? 0,
      deadLetters: sizes?.dead_letters ?? 0,
    },
    deprecatedPublishes,
  };
}

/** A positive count option of readStatus: `Invalid <field> <value>` otherwise. */
function checkCount(value: unknown, fallback: number, field: string, max: number): number {
  const count = value ?? fallback;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > max) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `Invalid ${field} ${describeValue(value)}`, {
      subject: { field },
      hint: `Pass an integer from 1 to ${max}`,
    });
  }
  return count;
}
