import type { Executor } from "../driver/executor.js";
import type { Envelope } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { checkLimit } from "../read/check-limit.js";
import { rowToEvent } from "../read/row-to-event.js";
import { monitorStatements } from "../sql/monitor-statements.js";
import type { EventRow } from "../sql/select-latest-events.js";
import { checkEventName, checkSchemaName, quoteIdentifier } from "../validate/check-name.js";
import { wakeChannel, wakePayload } from "../wake/wake-channel.js";

/** Where a dead letter is: given up on, asked to be handled again, or handled again. */
export type DeadLetterStatus = "dead" | "redrive" | "redriven";

const STATUSES: readonly DeadLetterStatus[] = ["dead", "redrive", "redriven"];

/** An event a consumer group gave up on. */
export interface DeadLetter {
  /** The dead letter's id (`bigserial`, as a decimal string); pass it to {@link requestRedrive}. */
  readonly id: string;
  /** The consumer group that gave up. */
  readonly group: string;
  /** `events.id` of the event. */
  readonly eventId: number;
  readonly channel: string;
  /** The event's position, `"<tx>:<id>"`. */
  readonly position: string;
  /** The last error, as stored (credentials removed, at most 4,000 characters). */
  readonly error: string;
  /** Attempts made, redrives included. */
  readonly attempts: number;
  /** When the first attempt failed. */
  readonly firstFailedAt: Date;
  /** When the group gave up (last). */
  readonly deadAt: Date;
  readonly status: DeadLetterStatus;
  /** When a redrive handled it; null otherwise. */
  readonly redrivenAt: Date | null;
  /** The event's envelope as stored when it died (read leniently, like every read). */
  readonly data: Envelope;
}

/** Options of {@link listDeadLetters}. */
export interface ListDeadLettersOptions {
  /** Schema that holds Postbus's tables. Default `public`. */
  readonly schema?: string;
  /** Only this group's dead letters. Default: every group's. */
  readonly group?: string;
  /** Only dead letters in this status. Default: every status. */
  readonly status?: DeadLetterStatus;
  /** At most this many (1…10000). Default 100. */
  readonly limit?: number;
}

/** Options of {@link requestRedrive}. */
export interface RequestRedriveOptions {
  /** Schema that holds Postbus's tables. Default `public`. */
  readonly schema?: string;
  /** The consumer group whose dead letters to redrive. */
  readonly group: string;
  /** Only these dead letters (their `id`s). Default: all of the group's `dead` ones. */
  readonly ids?: readonly (string | number)[];
}

interface DeadLetterRow extends EventRow {
  dead_letter_id: string;
  group_name: string;
  error: string;
  attempts: number;
  first_failed_at: Date;
  dead_at: Date;
  status: DeadLetterStatus;
  redriven_at: Date | null;
}

/**
 * Lists dead letters, oldest first.
 *
 * @example
 * ```ts
 * const dead = await listDeadLetters(fromPool(pool), { group: "billing", status: "dead" });
 * for (const letter of dead) console.log(letter.id, letter.data.event_type, letter.error);
 * ```
 */
export async function listDeadLetters(
  executor: Executor,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> {
  const schemaName = checkSchemaName(options.schema ?? "public");
  const group = options.group === undefined ? null : checkEventName(options.group, "consumer group");
  const status = options.status === undefined ? null : checkStatus(options.status);
  const limit = checkLimit(options.limit, 100);
  const { rows } = await executor.query<DeadLetterRow>(
    monitorStatements(quoteIdentifier(schemaName)).listDeadLetters,
    [group, status, limit],
  );
  return rows.map((row) => {
    const event = rowToEvent(row);
    return {
      id: row.dead_letter_id,
      group: row.group_name,
      eventId: event.id,
      channel: event.channel,
      position: event.position,
      error: row.error,
      attempts: row.attempts,
      firstFailedAt: row.first_failed_at,
      deadAt: row.dead_at,
      status: row.status,
      redrivenAt: row.redriven_at,
      data: event.envelope,
    };
  });
}

/**
 * Asks a consumer group to handle its dead letters again: marks them
 * `redrive` and returns how many it marked (only `dead` ones change). A running
 * subscription (or the next `drain`) of the group then hands each to its
 * handler once more; handled ones become `redriven`, failing ones go back to
 * `dead` with the new error. Wakes the group's subscriptions.
 *
 * @example
 * ```ts
 * await requestRedrive(fromPool(pool), { group: "billing" }); // every dead letter of the group
 * await requestRedrive(fromPool(pool), { group: "billing", ids: ["42"] }); // just one
 * ```
 */
export async function requestRedrive(executor: Executor, options: RequestRedriveOptions): Promise<number> {
  if (typeof options !== "object" || options === null) {
    throw invalid("options", "requestRedrive expects an options object", "Pass { group }");
  }
  const schemaName = checkSchemaName(options.schema ?? "public");
  const group = checkEventName(options.group, "consumer group");
  const ids = options.ids === undefined ? null : checkIds(options.ids);
  if (ids !== null && ids.length === 0) return 0;
  const { rows } = await executor.query<{ channel: string }>(
    monitorStatements(quoteIdentifier(schemaName)).requestRedrive,
    [group, ids],
  );
  if (rows.length > 0) {
    // A hint only: the marks are committed, and subscriptions find them by polling too.
    await executor
      .query("SELECT pg_notify($1, $2)", [
        wakeChannel(schemaName),
        wakePayload(rows.map((row) => row.channel)),
      ])
      .catch(() => {});
  }
  return rows.length;
}

function checkStatus(status: unknown): DeadLetterStatus {
  if (!STATUSES.includes(status as DeadLetterStatus)) {
    throw invalid(
      "status",
      `Invalid dead letter status ${JSON.stringify(status)}`,
      `Use one of: ${STATUSES.join(", ")}`,
    );
  }
  return status as DeadLetterStatus;
}

function checkIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw invalid("ids", "ids must be an array of dead letter ids", ID_HINT);
  return ids.map((id, index) => {
    const text = typeof id === "number" && Number.isSafeInteger(id) ? String(id) : id;
    if (typeof text !== "string" || !/^\d{1,18}$/.test(text)) {
      throw invalid(`ids[${index}]`, `Invalid dead letter id ${JSON.stringify(id)}`, ID_HINT);
    }
    return text;
  });
}

const ID_HINT = "Pass the id of a dead letter (a whole number, as listDeadLetters returns it)";

function invalid(field: string, message: string, hint: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, { subject: { field }, hint });
}
