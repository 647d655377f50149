import type { ResolvedOptions } from "../config/read-options.js";
import type { Executor } from "../driver/executor.js";
import type { Database } from "../driver/to-executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import type { WakeNotifier } from "../wake/wake-notifier.js";
import { insertPrepared, type NotifyMode } from "./insert-prepared.js";
import { type EventOptions, type PreparedEvent, prepareEvent } from "./prepare-event.js";

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

/** One item of `publishMany`. */
export interface PublishItem extends EventOptions {
  readonly type: string;
  readonly data: unknown;
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
  insertSql: string,
  notifier: WakeNotifier,
  config: ResolvedOptions,
): Publisher {
  const notifyMode: NotifyMode = config.wakeups === "in-transaction" ? "in-transaction" : "after-commit";

  async function prepareBatch(items: readonly PublishItem[]): Promise<PreparedEvent[]> {
    if (!Array.isArray(items)) {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "publishMany expects an array of events", {
        subject: { field: "items" },
      });
    }
    if (items.length > MAX_BATCH_EVENTS)
      throw batchTooLarge(`${items.length} events`, `${MAX_BATCH_EVENTS} events`);
    const prepared: PreparedEvent[] = [];
    let bytes = 0;
    for (const [index, item] of items.entries()) {
      const event = await prepareEvent(config.prepare, item?.type, item?.data, item, index);
      bytes += event.bytes;
      prepared.push(event);
    }
    if (bytes > MAX_BATCH_BYTES) throw batchTooLarge(`${bytes} bytes`, `${MAX_BATCH_BYTES} bytes`);
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
    const mode: NotifyMode =
      notifyMode === "after-commit" && !canNotifyAfterCommit ? "in-transaction" : notifyMode;
    const stored = await insertPrepared(target, insertSql, prepared, mode, config.prepared);
    if (config.wakeups === "after-commit" && canNotifyAfterCommit) {
      const channels = new Set(stored.map((event) => event.channel));
      if (afterCommit) for (const channel of channels) afterCommit.add(channel);
      else if (!target.inCallerTransaction) notifier.committed(channels);
      else if (!executor.inCallerTransaction) notifier.pending(stored[0]!.position.split(":")[0]!, channels);
    }
    return stored;
  }

  return {
    write,
    scope(tx, afterCommit) {
      return {
        executor: tx,
        query: (text, values) => tx.query(text, values),
        publish: async (eventType, data, options = {}) =>
          (await write(tx, [{ ...options, type: eventType, data }], afterCommit))[0]!,
        publishMany: (items) => write(tx, items, afterCommit),
      };
    },
  };
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
