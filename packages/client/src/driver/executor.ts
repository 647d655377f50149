import type { TransactionOutcome } from "./transaction-end.js";

/** The rows and row count of one statement. */
export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number | null;
}

/** A notification delivered to a LISTEN callback. Postbus payloads are wake-up hints only. */
export interface Notification {
  readonly channel: string;
  readonly payload: string | undefined;
}

/**
 * One connection reserved for `LISTEN`: it is never shared with other
 * statements' transactions and never goes back to a pool, so LISTEN state
 * cannot leak. Opened by {@link Executor.openListenConnection}.
 *
 * @example
 * ```ts
 * const connection = await fromPool(pool).openListenConnection!();
 * connection.onNotification((n) => console.log(n.channel, n.payload));
 * connection.onLost((error) => console.warn("listener lost", error.message));
 * await connection.query('LISTEN "postbus.public"');
 * // …
 * await connection.close();
 * ```
 */
export interface ListenConnection {
  /** Runs one statement on this connection (LISTEN, UNLISTEN, heartbeats). */
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Calls `callback` for every notification this connection receives. */
  onNotification(callback: (notification: Notification) => void): void;
  /**
   * Calls `callback` once when the connection errors or ends without `close()`
   * (also when that already happened before the callback was registered).
   */
  onLost(callback: (error: Error) => void): void;
  /** Destroys the connection. Idempotent; never rejects. */
  close(): Promise<void>;
  /** The backend's process id (`pg_backend_pid()`), for monitoring and tests; undefined if unknown. */
  readonly processId: number | undefined;
}

/**
 * The only seam between Postbus and the database: run one statement with
 * parameters. Everything else (transactions, LISTEN) is optional and
 * discovered by capability.
 *
 * @example
 * ```ts
 * const executor = fromPool(new pg.Pool({ connectionString }));
 * const { rows } = await executor.query<{ n: number }>("select 1 as n");
 * ```
 */
export interface Executor {
  /** Runs one statement; `values` are always bound parameters, never spliced into `text`. */
  query<Row = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
  /**
   * Runs `work` inside BEGIN … COMMIT on one connection, rolling back when it throws.
   * Present on executors that own connections (pools); absent on one caller-owned client.
   */
  transaction?<T>(work: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Opens a connection of its own for `LISTEN`, outside any pool and
   * transaction. Absent where that is impossible (one caller-owned client);
   * readers then poll.
   *
   * @example
   * ```ts
   * const connection = await executor.openListenConnection?.();
   * ```
   */
  openListenConnection?(): Promise<ListenConnection>;
  /**
   * On a caller-owned connection inside a transaction block: calls `callback` once, when that
   * transaction ends, with how it ended, and returns true; returns false (and never calls it)
   * when the executor cannot tell. Postbus uses it to wake readers the moment a caller's
   * transaction with events commits, instead of asking the server with `pg_xact_status`.
   * Call it right after a statement of the transaction returned. {@link fromClient} has it for
   * node-postgres clients (see `watchTransactionEnd`).
   *
   * @example
   * ```ts
   * executor.onTransactionEnd?.((outcome) => outcome === "committed" && wake());
   * ```
   */
  onTransactionEnd?(callback: (outcome: TransactionOutcome) => void): boolean;
  /**
   * True when statements already run inside a transaction the caller controls, so
   * Postbus cannot know when (or whether) it commits.
   */
  readonly inCallerTransaction: boolean;
}

/** How one statement runs. */
export interface QueryOptions {
  /**
   * A statement Postbus runs again and again with other values: the adapters prepare it once
   * per connection (a named statement), so PostgreSQL parses and plans it once. Executors
   * may ignore it.
   */
  readonly prepared?: boolean;
}

/** How a transaction Postbus opens begins. */
export interface TransactionOptions {
  /**
   * Pin the isolation level instead of inheriting the session's default. Consumer batches pin
   * `"read committed"`: their lease must be held before the statement that reads takes its snapshot.
   */
  readonly isolation?: "read committed";
  /**
   * A statement of the transaction that gets no answer for this long means the connection is
   * half-open (the peer frozen or unreachable): the adapter destroys it, so the statement fails
   * instead of waiting for TCP to notice (hours, with Linux defaults). Consumer batches set it a
   * little above their server-side `statement_timeout`. Executors may ignore it.
   */
  readonly statementDeadlineMs?: number;
  /**
   * Write `BEGIN` and the first statement together, and every later statement as soon as it is
   * queued (node-postgres's pipeline mode, where the client has it): the first statement's result
   * is handed over only once `BEGIN` succeeded. For transactions whose first statement writes
   * nothing (a consumer batch's claim). Executors may ignore it.
   */
  readonly pipelined?: boolean;
}
