import type { ResolvedOptions } from "../config/read-options.js";
import type { Executor } from "../driver/executor.js";
import type { Database } from "../driver/to-executor.js";
import { isConnectionLoss } from "../driver/wrap-database-error.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusDatabaseError, PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import type { InsertStatements } from "../sql/insert-events.js";
import { wakeChannel } from "../wake/wake-channel.js";
import type { WakeNotifier } from "../wake/wake-notifier.js";
import { insertPrepared, type NotifyMode } from "./insert-prepared.js";
import { type EventOptions, type PreparedEvent, prepareEvent, readEventFields } from "./prepare-event.js";
import type { PublishItem } from "./publish-item.js";

/** Largest `publishMany` batch, in events. */
export const MAX_BATCH_EVENTS = 10_000;
/** Largest `publishMany` batch, in bytes of JSON (PostgreSQL caps one jsonb value at 255 MB). */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** Options of a single publish. */
export interface PublishOptions extends EventOptions {
  /**
   * Write through the caller's own transaction: a `pg` client (inside BEGIN) or an
   * `Executor`. The event commits or rolls back with the caller's other writes.
   */
  readonly tx?: Database;
}

/**
 * Publishing bound to one transaction Postbus runs: handed to `withTransaction`
 * callbacks and to consumer handlers. Its events commit with that transaction.
 */
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

/** The write path shared by `publish`, `withTransaction` and consumers. */
export interface Publisher {
  /**
   * Checks, writes and arranges the wake-up: now for a committed pool write, after
   * commit when `afterCommit` collects the channels of a transaction Postbus runs,
   * or by watching the transaction id when the caller owns the transaction.
   */
  write(target: Executor, items: readonly PublishItem[], afterCommit?: Set<string>): Promise<StoredEvent[]>;
  /** A {@link TransactionScope} on `tx` whose channels are collected in `afterCommit`. */
  scope(tx: Executor, afterCommit: Set<string>): TransactionScope;
}

/** Creates the {@link Publisher} of one client. */
export function createPublisher(
  executor: Executor,
  statements: InsertStatements,
  notifier: WakeNotifier,
  config: ResolvedOptions,
): Publisher {
  const inTransaction: NotifyMode = { inTransaction: wakeChannel(config.schema) };

  async function prepareBatch(items: readonly PublishItem[]): Promise<PreparedEvent[]> {
    try {
      return await checkBatch(items);
    } catch (error) {
      // A getter, Proxy trap or array that threw while it was read, or a validator that threw.
      if (error instanceof PostbusError) throw error;
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        "Reading or validating the events to publish threw",
        {
          subject: { field: "items" },
          hint: "Pass plain objects and arrays (no getters or Proxies that throw); nothing was written",
          cause: error,
        },
      );
    }
  }

  async function checkBatch(items: readonly PublishItem[]): Promise<PreparedEvent[]> {
    if (!Array.isArray(items)) {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "publishMany expects an array of events", {
        subject: { field: "items" },
      });
    }
    if (items.length > MAX_BATCH_EVENTS)
      throw batchTooLarge(`${items.length} events`, `${MAX_BATCH_EVENTS} events`);
    const prepared: PreparedEvent[] = [];
    let bytes = 0;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (typeof item !== "object" || item === null) {
        throw new PostbusInputError(
          "POSTBUS_OPTIONS_INVALID",
          `Item ${index} of the batch is not an object`,
          {
            subject: { field: "items", index },
            hint: "Pass { type, data } objects",
          },
        );
      }
      const fields = readEventFields(item, index);
      const event = await prepareEvent(config.prepare, fields.type, fields.data, fields, index);
      bytes += event.bytes;
      prepared.push(event);
    }
    if (bytes > MAX_BATCH_BYTES) {
      // The events' sizes may be upper bounds: measure exactly before refusing.
      bytes = 0;
      for (const event of prepared) bytes += Buffer.byteLength(event.json, "utf8");
      if (bytes > MAX_BATCH_BYTES) throw batchTooLarge(`${bytes} bytes`, `${MAX_BATCH_BYTES} bytes`);
    }
    checkDistinctEventIds(prepared);
    return prepared;
  }

  async function write(target: Executor, items: readonly PublishItem[], afterCommit?: Set<string>) {
    const prepared = await prepareBatch(items);
    if (prepared.length === 0) return [];
    // Postbus can notify after commit when it runs the transaction, the write committed on its
    // own, or it can watch the caller's transaction through its own executor. Otherwise (a client
    // created on one caller-owned connection) the table's trigger notifies, inside the transaction.
    const canNotifyAfterCommit =
      afterCommit !== undefined || !target.inCallerTransaction || !executor.inCallerTransaction;
    // A write that commits on its own: the notifier decides whether it carries the wake-up itself.
    const ownCommit =
      config.wakeups === "after-commit" && afterCommit === undefined && !target.inCallerTransaction;
    const lead = ownCommit && notifier.beginWrite();
    const mode: NotifyMode =
      lead ||
      config.wakeups === "in-transaction" ||
      (config.wakeups === "after-commit" && !canNotifyAfterCommit)
        ? inTransaction
        : "after-commit";
    let stored: StoredEvent[];
    try {
      stored = await insertPrepared(target, statements, prepared, mode, config.prepared);
    } catch (error) {
      if (ownCommit) notifier.endWrite(lead, undefined);
      // A statement that commits on its own and lost its connection after it was sent: it may
      // have committed. The caller's or Postbus's transaction reports that at its COMMIT instead.
      if (afterCommit === undefined && !target.inCallerTransaction && isConnectionLoss(error)) {
        throw commitUnknown(prepared, error);
      }
      throw error;
    }
    if (config.wakeups === "after-commit" && canNotifyAfterCommit) {
      const channels =
        stored.length === 1 ? [stored[0]!.channel] : new Set(stored.map((event) => event.channel));
      if (afterCommit) for (const channel of channels) afterCommit.add(channel);
      else if (ownCommit) notifier.endWrite(lead, channels);
      else if (!executor.inCallerTransaction)
        notifier.pending(stored[0]!.position.split(":")[0]!, channels, target);
    }
    return stored;
  }

  return {
    write,
    scope(tx, afterCommit) {
      return {
        executor: tx,
        query: (text, values) => tx.query(text, values),
        publish: async (eventType, data, options = {}) => {
          const { tx: _ignored, ...fields } = readEventFields(options);
          return (await write(tx, [{ ...fields, type: eventType, data }], afterCommit))[0]!;
        },
        publishMany: (items) => write(tx, items, afterCommit),
      };
    },
  };
}

/** Two events of one batch with the same `metadata.event_id` would be one event: refused up front. */
function checkDistinctEventIds(prepared: readonly PreparedEvent[]): void {
  if (prepared.length < 2) return;
  const seen = new Map<string, number>();
  for (const [index, event] of prepared.entries()) {
    const id = String(event.envelope.metadata.event_id).toLowerCase();
    const first = seen.get(id);
    if (first !== undefined) {
      throw new PostbusInputError(
        "POSTBUS_METADATA_INVALID",
        `Events ${first} and ${index} of the batch have the same metadata.event_id ${id}`,
        {
          subject: {
            eventType: event.envelope.event_type,
            field: "metadata",
            pointer: "/metadata/event_id",
            index,
          },
          hint: "Give each event its own event_id (or leave it out); nothing was written",
        },
      );
    }
    seen.set(id, index);
  }
}

/** The publish's outcome is unknown: the connection died after the insert was sent. */
function commitUnknown(prepared: readonly PreparedEvent[], cause: unknown): PostbusDatabaseError {
  const ids = prepared.map((event) => String(event.envelope.metadata.event_id));
  const single = ids.length === 1;
  const first = prepared[0]!.envelope;
  return new PostbusDatabaseError(
    "POSTBUS_COMMIT_UNKNOWN",
    `The connection was lost while ${single ? `the "${first.event_type}" event` : `a batch of ${ids.length} events`} was being written: it may or may not have been committed`,
    {
      subject: { eventType: first.event_type, ...(single ? { eventId: ids[0]! } : { eventIds: ids }) },
      sqlstate: cause instanceof PostbusDatabaseError ? cause.sqlstate : undefined,
      cause,
      hint: `Publish again with the same metadata.event_id (${single ? ids[0] : "subject.eventIds, item by item"}): the retry is idempotent and returns the stored event`,
    },
  );
}

function batchTooLarge(size: string, limit: string): PostbusInputError {
  return new PostbusInputError(
    "POSTBUS_BATCH_TOO_LARGE",
    `A batch of ${size} is over the limit of ${limit}`,
    {
      subject: { field: "items" },
      hint: "Split it into several publishMany calls inside one transaction",
    },
  );
}
