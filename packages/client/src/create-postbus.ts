import type { Executor } from "./driver/executor.js";
import { type Database, toExecutor } from "./driver/to-executor.js";
import type { StoredEvent } from "./envelope.js";
import { PostbusError, PostbusInputError } from "./errors/postbus-error.js";
import { insertPrepared, type NotifyMode } from "./publish/insert-prepared.js";
import { type EventOptions, type PrepareContext, prepareEvent } from "./publish/prepare-event.js";
import { checkLimit } from "./read/check-limit.js";
import { parsePosition, START } from "./read/position.js";
import { rowToEvent } from "./read/row-to-event.js";
import { insertEventsSql } from "./sql/insert-events.js";
import { selectEventsAfterSql } from "./sql/select-events-after.js";
import { type EventRow, selectLatestEventsSql } from "./sql/select-latest-events.js";
import { DEFAULT_JSON_LIMITS, type JsonLimits } from "./validate/check-json.js";
import { checkEventName, checkSchemaName, quoteIdentifier } from "./validate/check-name.js";
import type { ValidatorRegistry } from "./validate/standard-schema.js";
import type { UnknownEventTypePolicy } from "./validate/validate-payload.js";
import { wakeChannel } from "./wake/wake-channel.js";
import { WakeNotifier } from "./wake/wake-notifier.js";

/** Largest `publishMany` batch, in events. */
export const MAX_BATCH_EVENTS = 10_000;
/** Largest `publishMany` batch, in bytes of JSON (PostgreSQL caps one jsonb value at 255 MB). */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** How readers are woken when events commit. */
export type WakeupMode =
  /** Default: Postbus sends one coalesced NOTIFY after commit; publishing transactions pay no notify lock. */
  | "after-commit"
  /** The table's trigger notifies inside every publishing transaction (exact, but serializes commits). */
  | "in-transaction"
  /** No wake-ups from Postbus's publishers: readers find events by polling. */
  | "off";

/** Options of {@link createPostbus}. */
export interface PostbusOptions {
  /** Where events live: a `pg.Pool` (recommended), an {@link Executor}, or a `pg` client used outside transactions. */
  readonly db: Database;
  /** Schema of the events table. Default `public`, as in the ADR. */
  readonly schema?: string;
  /** Name of this service or slice, written to `metadata.producer`. */
  readonly producer?: string;
  /** Event type → validator (any Standard Schema, e.g. zod). Payloads are validated before anything is written. */
  readonly validators?: ValidatorRegistry;
  /** What to do with an event type that has no validator when `validators` is given. Default `"allow"`. */
  readonly unknownEventTypes?: UnknownEventTypePolicy;
  /** Wake-up strategy. Default `"after-commit"`. */
  readonly wakeups?: WakeupMode;
  /** Payload limits. Default: depth 64, 1 MiB per envelope. */
  readonly limits?: Partial<JsonLimits>;
  /** Called with errors of background work (wake-ups); never thrown into a publish. Default: one process warning. */
  readonly onBackgroundError?: (error: unknown) => void;
}

/** Options of a single publish. */
export interface PublishOptions extends EventOptions {
  /**
   * Write through the caller's own transaction: a `pg` client (inside BEGIN) or an
   * {@link Executor}. The event commits or rolls back with the caller's other writes.
   */
  readonly tx?: Database;
}

/** One item of `publishMany`. */
export interface PublishItem extends EventOptions {
  readonly type: string;
  readonly data: unknown;
}

/** Options of `readEvents`. */
export interface ReadEventsOptions {
  /** Read after this position (an event's `position`, `"<tx>:<id>"`). Default: from the start. */
  readonly after?: string;
  /** At most this many events (1…10000). Default 100. */
  readonly limit?: number;
  /** Read through the caller's transaction or client. */
  readonly tx?: Database;
}

/** Options of `getLatestEvents`. */
export interface LatestEventsOptions {
  /** At most this many events (1…10000). Default 10. */
  readonly limit?: number;
  /** Read through the caller's transaction or client. */
  readonly tx?: Database;
}

/** Publishing and reading bound to one transaction, handed to `withTransaction` callbacks. */
export interface TransactionScope {
  /** The transaction itself, for the caller's own statements. */
  readonly executor: Executor;
  /** Runs a statement in the transaction. */
  query: Executor["query"];
  /** Publishes in the transaction. */
  publish(eventType: string, data: unknown, options?: EventOptions): Promise<StoredEvent>;
  /** Publishes a batch in the transaction. */
  publishMany(items: readonly PublishItem[]): Promise<StoredEvent[]>;
}

/** The untyped Postbus client. Generated packages wrap it with exact types. */
export interface Postbus {
  /** The schema that holds the events table. */
  readonly schema: string;
  /** Publishes one event and returns it as stored. */
  publish(eventType: string, data: unknown, options?: PublishOptions): Promise<StoredEvent>;
  /** Publishes a batch in one statement: all of it or none of it. Returns the events in input order. */
  publishMany(items: readonly PublishItem[], options?: { readonly tx?: Database }): Promise<StoredEvent[]>;
  /** Runs `work` in a transaction on the pool; events published through the scope commit with it. */
  withTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
  /** The newest events of a channel, newest first (the ADR's `get_latest_events`). */
  getLatestEvents(channel: string, options?: LatestEventsOptions): Promise<StoredEvent[]>;
  /** Events of the channels in delivery order after a position: replay, page by page. */
  readEvents(channels: string | readonly string[], options?: ReadEventsOptions): Promise<StoredEvent[]>;
  /** Sends pending wake-ups and stops background work. Does not end a pool it was given. */
  close(): Promise<void>;
}

/**
 * Creates a Postbus client on a database.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createPostbus, migrate, fromPool } from "@postbus/client";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(fromPool(pool));
 * const bus = createPostbus({ db: pool, producer: "signals" });
 * const event = await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy" });
 * const latest = await bus.getLatestEvents("signal.triggered", { limit: 5 });
 * await bus.close();
 * await pool.end();
 * ```
 */
export function createPostbus(options: PostbusOptions): Postbus {
  const config = readOptions(options);
  const executor = toExecutor(options.db, false);
  const schema = quoteIdentifier(config.schema);
  const sql = Object.freeze({
    insert: insertEventsSql(schema),
    latest: selectLatestEventsSql(schema),
    after: selectEventsAfterSql(schema),
  });
  const notifier = new WakeNotifier(executor, wakeChannel(config.schema), config.onBackgroundError);
  const notifyMode: NotifyMode = config.wakeups === "in-transaction" ? "in-transaction" : "after-commit";
  let closed = false;

  function assertOpen(): void {
    if (closed) {
      throw new PostbusError("POSTBUS_CLOSED", "This Postbus client is closed", {
        hint: "Create a new client with createPostbus()",
      });
    }
  }

  async function prepareBatch(items: readonly PublishItem[]) {
    if (!Array.isArray(items)) {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "publishMany expects an array of events", {
        subject: { field: "items" },
      });
    }
    if (items.length > MAX_BATCH_EVENTS) {
      throw new PostbusInputError(
        "POSTBUS_BATCH_TOO_LARGE",
        `A batch of ${items.length} events is over the limit of ${MAX_BATCH_EVENTS}`,
        {
          subject: { field: "items" },
          hint: "Split it into several publishMany calls inside one transaction",
        },
      );
    }
    const prepared = [];
    let bytes = 0;
    for (const [index, item] of items.entries()) {
      const event = await prepareEvent(config.prepare, item?.type, item?.data, item, index);
      bytes += event.json.length;
      prepared.push(event);
    }
    if (bytes > MAX_BATCH_BYTES) {
      throw new PostbusInputError(
        "POSTBUS_BATCH_TOO_LARGE",
        `A batch of ${bytes} bytes is over the limit of ${MAX_BATCH_BYTES}`,
        {
          subject: { field: "items" },
          hint: "Split it into several publishMany calls inside one transaction",
        },
      );
    }
    return prepared;
  }

  /** Writes, then arranges the wake-up according to who owns the transaction. */
  async function write(target: Executor, items: readonly PublishItem[], afterCommit?: Set<string>) {
    const prepared = await prepareBatch(items);
    if (prepared.length === 0) return [];
    const stored = await insertPrepared(target, sql.insert, prepared, notifyMode);
    if (config.wakeups === "after-commit") {
      const channels = new Set(stored.map((event) => event.channel));
      if (afterCommit) for (const channel of channels) afterCommit.add(channel);
      else if (!target.inCallerTransaction) notifier.committed(channels);
      else if (!executor.inCallerTransaction) notifier.pending(stored[0]!.position.split(":")[0]!, channels);
    }
    return stored;
  }

  async function read(target: Database | undefined, text: string, values: unknown[]) {
    const { rows } = await (target === undefined ? executor : toExecutor(target, true)).query<EventRow>(
      text,
      values,
    );
    return rows.map(rowToEvent);
  }

  return Object.freeze({
    schema: config.schema,

    async publish(eventType: string, data: unknown, publishOptions: PublishOptions = {}) {
      assertOpen();
      const target = publishOptions.tx === undefined ? executor : toExecutor(publishOptions.tx, true);
      const [event] = await write(target, [{ ...publishOptions, type: eventType, data }]);
      return event!;
    },

    async publishMany(items: readonly PublishItem[], manyOptions: { readonly tx?: Database } = {}) {
      assertOpen();
      const target = manyOptions.tx === undefined ? executor : toExecutor(manyOptions.tx, true);
      return write(target, items);
    },

    async withTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
      assertOpen();
      if (!executor.transaction) {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "withTransaction needs a pool", {
          subject: { field: "db" },
          hint: "Create the client with a pg.Pool (or an executor with transaction()), or pass { tx: client } to publish",
        });
      }
      const channels = new Set<string>();
      const result = await executor.transaction((tx) =>
        work({
          executor: tx,
          query: (text, values) => tx.query(text, values),
          publish: async (eventType, data, eventOptions = {}) =>
            (await write(tx, [{ ...eventOptions, type: eventType, data }], channels))[0]!,
          publishMany: (items) => write(tx, items, channels),
        }),
      );
      if (channels.size > 0) notifier.committed(channels);
      return result;
    },

    async getLatestEvents(channel: string, latestOptions: LatestEventsOptions = {}) {
      assertOpen();
      const name = checkEventName(channel, "channel");
      const limit = checkLimit(latestOptions.limit, 10);
      return read(latestOptions.tx, sql.latest, [name, limit]);
    },

    async readEvents(channels: string | readonly string[], readOptions: ReadEventsOptions = {}) {
      assertOpen();
      const list = (typeof channels === "string" ? [channels] : [...channels]).map((channel, index) =>
        checkEventName(channel, "channel", { field: `channels[${index}]` }),
      );
      if (list.length === 0) {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "readEvents needs at least one channel", {
          subject: { field: "channels" },
        });
      }
      const after = readOptions.after === undefined ? START : parsePosition(readOptions.after);
      const limit = checkLimit(readOptions.limit, 100);
      return read(readOptions.tx, sql.after, [list, after.tx, after.id, limit]);
    },

    async close() {
      if (closed) return;
      closed = true;
      await notifier.close();
    },
  });
}

interface ResolvedOptions {
  readonly schema: string;
  readonly wakeups: WakeupMode;
  readonly prepare: PrepareContext;
  readonly onBackgroundError: (error: unknown) => void;
}

function readOptions(options: PostbusOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null || options.db === undefined) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "createPostbus needs { db }", {
      subject: { field: "db" },
      hint: "Pass a pg.Pool: createPostbus({ db: new pg.Pool({ connectionString }) })",
    });
  }
  const wakeups = options.wakeups ?? "after-commit";
  if (!["after-commit", "in-transaction", "off"].includes(wakeups)) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `Unknown wakeups mode ${JSON.stringify(wakeups)}`,
      {
        subject: { field: "wakeups" },
        hint: 'Use "after-commit", "in-transaction" or "off"',
      },
    );
  }
  const unknownEventTypes = options.unknownEventTypes ?? "allow";
  if (unknownEventTypes !== "allow" && unknownEventTypes !== "reject") {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", 'unknownEventTypes must be "allow" or "reject"', {
      subject: { field: "unknownEventTypes" },
    });
  }
  const limits: JsonLimits = Object.freeze({ ...DEFAULT_JSON_LIMITS, ...options.limits });
  for (const key of ["maxDepth", "maxBytes"] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < 1) {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `limits.${key} must be a positive integer`, {
        subject: { field: `limits.${key}` },
      });
    }
  }
  let warned = false;
  return Object.freeze({
    schema: checkSchemaName(options.schema ?? "public"),
    wakeups,
    onBackgroundError:
      options.onBackgroundError ??
      ((error: unknown) => {
        if (warned) return;
        warned = true;
        process.emitWarning(
          `Postbus background work failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }),
    prepare: Object.freeze({
      producer: options.producer === undefined ? null : checkEventName(options.producer, "producer"),
      validators: options.validators,
      unknownEventTypes,
      limits,
    }),
  });
}
