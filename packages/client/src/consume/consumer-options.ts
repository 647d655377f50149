import type { StoredEvent } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { warnOnce } from "../errors/warn-once.js";
import type { TransactionScope } from "../publish/publisher.js";
import { type Position, parsePosition } from "../read/position.js";
import { checkIntegerOption } from "../validate/check-integer.js";
import { checkEventName } from "../validate/check-name.js";
import { readFields } from "../validate/read-fields.js";

/** What a handler gets besides the event. */
export interface ConsumerContext {
  /** The consumer group handling the event. */
  readonly group: string;
  /** 1 on the first try, then 2, 3… while the event keeps failing (and on redrives, after the dead letter's attempts). */
  readonly attempt: number;
  /**
   * The batch's transaction: its writes commit exactly once, together with the group's cursor.
   * Events published through it are written in the same transaction.
   */
  readonly tx: TransactionScope;
  /** Aborted when the subscription is closing; long handlers may stop early (the batch then rolls back). */
  readonly signal: AbortSignal;
}

/** Handles one event. Throwing rolls the batch back; the event is retried, then dead-lettered. */
export type EventHandler<Event extends StoredEvent = StoredEvent> = (
  event: Event,
  context: ConsumerContext,
) => unknown;

/** Where a new group (or a group's new channel) starts, or where a reset moves it. */
export type StartFrom =
  /** Every event still in the table. */
  | "beginning"
  /**
   * Skips every event already below the read horizon, i.e. of transactions older than every one
   * still running. Delivers the events of transactions still running and everything after. While
   * an old transaction is open, events that committed behind it before the subscribe are
   * delivered too: a cursor cannot skip them without skipping the open transaction's.
   */
  | "now"
  /** After a position, `"<tx>:<id>"`, as events carry it. */
  | string
  /**
   * Per channel, just before the first event in delivery order written at or after this time
   * (`created_at`, the writing transaction's start): no event written after it is skipped; events
   * written before it that sort after that first one are delivered too.
   */
  | Date;

/** Options of `subscribe` and `drain`. */
export interface SubscribeOptions<Event extends StoredEvent = StoredEvent> {
  /** Durable name of the group: processes with the same group share its work and its cursor. */
  readonly group: string;
  /** Channels the group reads. */
  readonly channels: string | readonly string[];
  /** Called once per event, in delivery order. */
  readonly handler: EventHandler<Event>;
  /**
   * Only events of these types reach the handler (and are validated); the group moves past
   * the others without looking at their payloads. Default: every event of the channels.
   */
  readonly eventTypes?: readonly string[];
  /** Where a new group starts on each channel it does not read yet. Default `"beginning"`. */
  readonly from?: StartFrom;
  /** Events per batch (one transaction). Default 100. */
  readonly batchSize?: number;
  /**
   * Splits the group's work by key into this many partitions (1…64), each with its own lease:
   * events of one key (`metadata.partition_key`) are handled in order, events of different keys
   * concurrently — by the `concurrency` workers of this process and by the other members. A new
   * group is created partitioned; an unpartitioned group becomes partitioned (its cursors carry
   * over). A group already partitioned keeps its stored number (change it with
   * `bus.repartitionGroup`). Default: the group's stored setting (unpartitioned for a new group).
   */
  readonly partitions?: number;
  /**
   * How many partitions of a partitioned group this member handles at once (each a batch on its
   * own pool connection). Default: the group's number of partitions. Ignored (1) for an
   * unpartitioned group.
   */
  readonly concurrency?: number;
  /** Attempts before an event is moved to the dead letters. Default 5. */
  readonly maxAttempts?: number;
  /** Delay before retry `attempt` (1, 2, …), in ms. Default: 500 ms doubling, at most 5 minutes. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Polling backstop when no wake-up arrives, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /**
   * The longest a member that stalls mid-batch (a frozen process or VM, a network partition)
   * keeps the group's lease and its transaction id, in ms. Each batch's transaction sets
   * `statement_timeout` and `idle_in_transaction_session_timeout` to half of it, so the server
   * ends a stalled member's session within this bound and another member takes over; the member
   * itself drops a connection whose statement got no answer for half of it plus 5 s. Default
   * 30,000 (1,000…3,600,000).
   */
  readonly batchTimeoutMs?: number;
  /**
   * A handler call that runs longer fails with `POSTBUS_HANDLER_TIMEOUT` (retried, then
   * dead-lettered, like a throw), and statements it sends afterwards are refused. Must be below
   * half of `batchTimeoutMs`, the server's idle limit for the batch. Default: a third of
   * `batchTimeoutMs` (10,000).
   */
  readonly handlerTimeoutMs?: number;
  /**
   * When committed events have waited this long behind a transaction that is still running
   * (gap-free reads cannot pass it), the client's logger gets one warning naming the blocking
   * backend. Default 30,000 (100…86,400,000).
   */
  readonly stalledWarningMs?: number;
  /**
   * Declares, in the database, whether the group holds retention back (see
   * `setGroupRetention`): `false` and `prune` ignores its cursors. Default: leave the stored
   * flag as it is (every group holds retention back until it declares otherwise).
   */
  readonly holdsRetention?: boolean;
  /** Stops the subscription like `close()`. */
  readonly signal?: AbortSignal;
  /** Errors of the loop itself (the database unreachable, …); it keeps retrying. Default: a process warning. */
  readonly onError?: (error: unknown) => void;
}

/** {@link SubscribeOptions} checked, with defaults. */
export interface ConsumerConfig {
  readonly group: string;
  readonly channels: readonly string[];
  readonly handler: EventHandler;
  /** Event types handed to the handler, or undefined for all. */
  readonly eventTypes: ReadonlySet<string> | undefined;
  readonly from: "beginning" | "now" | Position | Date;
  readonly batchSize: number;
  readonly maxAttempts: number;
  readonly retryDelayMs: (attempt: number) => number;
  readonly pollIntervalMs: number;
  readonly batchTimeoutMs: number;
  readonly handlerTimeoutMs: number;
  readonly stalledWarningMs: number;
  readonly signal: AbortSignal | undefined;
  readonly onError: (error: unknown) => void;
  /** The retention flag to store, or undefined to leave it. */
  readonly holdsRetention: boolean | undefined;
  /** The partitions asked for, or undefined to keep the group's stored setting. */
  readonly partitions: number | undefined;
  /** Workers of a partitioned group in this member, or undefined for one per partition. */
  readonly concurrency: number | undefined;
}

/** Default of `batchTimeoutMs`: a stalled member loses its group within 30 s. */
export const DEFAULT_BATCH_TIMEOUT_MS = 30_000;

const SUBSCRIBE_KEYS = [
  "group",
  "channels",
  "handler",
  "eventTypes",
  "from",
  "batchSize",
  "partitions",
  "concurrency",
  "maxAttempts",
  "retryDelayMs",
  "pollIntervalMs",
  "batchTimeoutMs",
  "handlerTimeoutMs",
  "stalledWarningMs",
  "holdsRetention",
  "signal",
  "onError",
] as const satisfies ReadonlyArray<keyof SubscribeOptions>;

const defaultRetryDelay = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 300_000);

/** Checks subscribe options before anything touches the database. */
export function readConsumerOptions(raw: SubscribeOptions): ConsumerConfig {
  try {
    return checkConsumerOptions(raw);
  } catch (error) {
    // A getter, Proxy trap or array that threw while it was read.
    if (error instanceof PostbusInputError) throw error;
    throw invalid("options", "reading the subscribe options threw (a getter or Proxy)");
  }
}

function checkConsumerOptions(raw: SubscribeOptions): ConsumerConfig {
  if (typeof raw !== "object" || raw === null)
    throw invalid("options", "subscribe expects an options object");
  // Each option read once, so a throwing getter is a coded error and nothing changes under the checks.
  const options = readFields(raw, SUBSCRIBE_KEYS, "options") as unknown as SubscribeOptions;
  const group = checkEventName(options.group, "consumer group", { field: "group" });
  const list = typeof options.channels === "string" ? [options.channels] : options.channels;
  if (!Array.isArray(list) || list.length === 0)
    throw invalid("channels", "a consumer group needs at least one channel");
  const channels = [
    ...new Set(
      list.map((channel, index) => checkEventName(channel, "channel", { field: `channels[${index}]` })),
    ),
  ];
  if (typeof options.handler !== "function") throw invalid("handler", "handler must be a function");
  if (
    options.eventTypes !== undefined &&
    (!Array.isArray(options.eventTypes) || options.eventTypes.length === 0)
  ) {
    throw invalid("eventTypes", "eventTypes must be a non-empty array of event types");
  }
  const eventTypes =
    options.eventTypes === undefined
      ? undefined
      : new Set(
          options.eventTypes.map((type, index) =>
            checkEventName(type, "event type", { field: `eventTypes[${index}]` }),
          ),
        );
  const batchTimeoutMs = checkIntegerOption(options.batchTimeoutMs, {
    fallback: DEFAULT_BATCH_TIMEOUT_MS,
    field: "batchTimeoutMs",
    min: 1_000,
    max: 3_600_000,
    hint: "Fix the batchTimeoutMs option of subscribe(): the bound on how long a stalled member keeps the group",
  });
  const handlerTimeoutMs = checkIntegerOption(options.handlerTimeoutMs, {
    fallback: Math.floor(batchTimeoutMs / 3),
    field: "handlerTimeoutMs",
    min: 1,
    max: Math.ceil(batchTimeoutMs / 2) - 1,
    hint: "Keep handlerTimeoutMs below half of batchTimeoutMs (the server ends a batch idle that long), or raise batchTimeoutMs",
  });
  return Object.freeze({
    stalledWarningMs: checkIntegerOption(options.stalledWarningMs, {
      fallback: 30_000,
      field: "stalledWarningMs",
      min: 100,
      max: 86_400_000,
      hint: "Fix the stalledWarningMs option of subscribe()",
    }),
    batchTimeoutMs,
    handlerTimeoutMs,
    group,
    channels,
    handler: options.handler as EventHandler,
    eventTypes,
    from: readFrom(options.from),
    batchSize: positiveInteger(options.batchSize, 100, "batchSize", 10_000),
    partitions: optionalInteger(options.partitions, "partitions", 64),
    concurrency: optionalInteger(options.concurrency, "concurrency", 64),
    maxAttempts: positiveInteger(options.maxAttempts, 5, "maxAttempts", 1_000),
    retryDelayMs: options.retryDelayMs ?? defaultRetryDelay,
    pollIntervalMs: positiveInteger(options.pollIntervalMs, 1_000, "pollIntervalMs", 3_600_000),
    signal: options.signal,
    holdsRetention: readHoldsRetention(options.holdsRetention, group),
    onError: options.onError ?? warnOnce(`Postbus consumer group "${group}" hit an error and keeps retrying`),
  });
}

function readFrom(from: StartFrom | undefined): ConsumerConfig["from"] {
  if (from === undefined || from === "beginning") return "beginning";
  if (from === "now") return "now";
  if (from instanceof Date) {
    if (Number.isNaN(from.getTime())) throw invalid("from", "from is an invalid Date");
    return from;
  }
  return parsePosition(from, "from");
}

function positiveInteger(value: number | undefined, fallback: number, field: string, max: number): number {
  return checkIntegerOption(value, {
    fallback,
    field,
    min: 1,
    max,
    hint: `Fix the ${field} option of subscribe()`,
  });
}

function optionalInteger(value: number | undefined, field: string, max: number): number | undefined {
  return value === undefined ? undefined : positiveInteger(value, 1, field, max);
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: `Fix the ${field} option of subscribe()`,
  });
}

function readHoldsRetention(value: unknown, group: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "holdsRetention must be true or false", {
    subject: { group, field: "holdsRetention" },
    hint: "Fix the holdsRetention option of subscribe(), or leave it out",
  });
}
