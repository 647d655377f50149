/**
 * How a caller's transaction ended, as its connection reported it: `"committed"`, `"rolled-back"`,
 * or `"unknown"` (the connection closed first, the transaction was prepared for two-phase commit,
 * or the connection cannot be watched); the caller then asks the server (`pg_xact_status`).
 */
export type TransactionOutcome = "committed" | "rolled-back" | "unknown";

/** The parts of node-postgres's `Client` a transaction watch reads (`pg` 8.11+). */
interface WatchableClient {
  /** `'I'` idle, `'T'` in a transaction block, `'E'` in a failed one, as the last ReadyForQuery said. */
  getTransactionStatus(): string | null;
  /** The wire connection: an EventEmitter of the backend's messages. */
  readonly connection: {
    on(event: string, listener: (message: { text?: string; status?: string }) => void): unknown;
    off(event: string, listener: (message: { text?: string; status?: string }) => void): unknown;
  };
}

/** One open transaction being watched on one client: who wants its outcome, and what was seen. */
interface Watch {
  readonly callbacks: Array<(outcome: TransactionOutcome) => void>;
}

const watches = new WeakMap<object, Watch>();

/**
 * Calls `callback` once, when the transaction block `client` is in now ends, with how it ended:
 * read from the backend's own messages on the connection (the `COMMIT` command tag, then
 * ReadyForQuery), so it costs no statement and fires the moment the commit is acknowledged.
 * Returns false, and never calls `callback`, when it cannot watch: `client` is not a node-postgres
 * client, or it is not inside a transaction block right now (its last statement committed on its
 * own, or the block already ended). Call it right after a statement of the transaction returned,
 * before the event loop turns: the status read is that statement's.
 *
 * A `COMMIT` (also `COMMIT AND CHAIN`, whose new transaction is a different one) reports
 * `"committed"`; a transaction that ends without one (`ROLLBACK`, a failed `COMMIT`, `COMMIT` of
 * a failed block, which PostgreSQL answers with `ROLLBACK`) `"rolled-back"`; `PREPARE
 * TRANSACTION` and a connection that ends or errors first `"unknown"`. All transactions watched
 * on one client share one set of listeners, removed when the transaction ends.
 *
 * @example
 * ```ts
 * await client.query("BEGIN");
 * await client.query("INSERT INTO events …");
 * watchTransactionEnd(client, (outcome) => console.log(outcome)); // true
 * await client.query("COMMIT"); // logs "committed"
 * ```
 */
export function watchTransactionEnd(
  client: unknown,
  callback: (outcome: TransactionOutcome) => void,
): boolean {
  if (!isWatchable(client)) return false;
  const running = watches.get(client);
  if (running) {
    running.callbacks.push(callback);
    return true;
  }
  if (client.getTransactionStatus() !== "T") return false;
  const watch: Watch = { callbacks: [callback] };
  watches.set(client, watch);
  const connection = client.connection;
  let committed = false;
  let prepared = false;
  const finish = (outcome: TransactionOutcome) => {
    connection.off("commandComplete", onCommand);
    connection.off("readyForQuery", onReady);
    connection.off("end", onGone);
    connection.off("error", onGone);
    if (watches.get(client) === watch) watches.delete(client);
    for (const notify of watch.callbacks) {
      try {
        notify(outcome);
      } catch {
        // A callback must not break the driver's message handling; Postbus's own never throw.
      }
    }
  };
  const onCommand = (message: { text?: string }) => {
    const tag = message.text ?? "";
    if (tag === "COMMIT") committed = true;
    else if (tag === "PREPARE TRANSACTION") prepared = true;
  };
  const onReady = (message: { status?: string }) => {
    if (committed) finish("committed");
    else if (message.status === "I") finish(prepared ? "unknown" : "rolled-back");
  };
  const onGone = () => finish("unknown");
  connection.on("commandComplete", onCommand);
  connection.on("readyForQuery", onReady);
  connection.on("end", onGone);
  connection.on("error", onGone);
  return true;
}

function isWatchable(client: unknown): client is WatchableClient {
  try {
    const candidate = client as Partial<WatchableClient> | null;
    return (
      typeof candidate?.getTransactionStatus === "function" &&
      typeof candidate.connection?.on === "function" &&
      typeof candidate.connection.off === "function"
    );
  } catch {
    return false; // a getter or Proxy that threw while it was looked at
  }
}
