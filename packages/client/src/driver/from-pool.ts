import { PostbusDatabaseError } from "../errors/postbus-error.js";
import { consoleLogger, errorFields, type PostbusLogger } from "../log/logger.js";
import type {
  Executor,
  ListenConnection,
  QueryOptions,
  QueryResult,
  TransactionOptions,
} from "./executor.js";
import { openPoolListenConnection } from "./listen-connection.js";
import type { PgPoolClientLike, PgPoolLike } from "./pg-types.js";
import { enterPipeline, leavePipeline } from "./pipeline-mode.js";
import { runQuery } from "./run-query.js";
import { isConnectionLoss, markNotSent, toPostbusError } from "./wrap-database-error.js";

/**
 * Adapts a `pg.Pool`. Each statement runs on whichever connection is free and
 * commits on its own; `transaction()` checks out one connection for BEGIN … COMMIT;
 * `openListenConnection()` opens a dedicated `"postbus-listener"` client from the
 * pool's configuration (or borrows one and destroys it on close).
 *
 * It also attaches one `'error'` listener to the pool: pg-pool emits `'error'` when an idle
 * client loses its connection (a server restart, `pg_terminate_backend`), and an
 * `EventEmitter` with no listener turns that into an uncaught exception. The pool replaces the
 * client on its own; Postbus reports the loss as a warning through the logger of the first
 * open client on the pool ({@link reportPoolErrors}), or `console.warn` — except once
 * `pool.end()` has been called, when a client's error is its own shutdown.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * const executor = fromPool(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * ```
 */
export function fromPool(pool: PgPoolLike): Executor {
  // One executor per pool, so everything keyed by executor (the shared LISTEN connection) is per pool.
  let executor = executors.get(pool);
  if (!executor) {
    executor = adaptPool(pool);
    executors.set(pool, executor);
  }
  return executor;
}

const executors = new WeakMap<PgPoolLike, Executor>();
/** Loggers that want a pool's idle-client errors, per executor, in registration order. */
const poolLoggers = new WeakMap<Executor, Set<PostbusLogger>>();

/**
 * Reports the idle-client errors of the pool behind `executor` (made by {@link fromPool})
 * through `logger` until the returned function is called. A no-op for other executors.
 */
export function reportPoolErrors(executor: Executor, logger: PostbusLogger): () => void {
  const loggers = poolLoggers.get(executor);
  if (loggers === undefined) return () => {};
  loggers.add(logger);
  return () => {
    loggers.delete(logger);
  };
}

function adaptPool(pool: PgPoolLike): Executor {
  const loggers = new Set<PostbusLogger>();
  pool.on?.("error", (error: Error) => {
    // While `pool.end()` runs, its clients are saying goodbye: a server that stops before it
    // reads a client's Terminate answers with 57P01, which pg reports as an error. That is
    // the shutdown the application asked for, not a lost connection the pool will replace.
    if (pool.ending === true) return;
    const [logger = consoleLogger] = loggers;
    logger.warn(
      errorFields(toPostbusError(error, new Error())),
      "a pg.Pool client lost its connection while idle; the pool opens a new one when needed",
    );
  });
  const executor = adaptPoolStatements(pool);
  poolLoggers.set(executor, loggers);
  return executor;
}

function adaptPoolStatements(pool: PgPoolLike): Executor {
  return {
    inCallerTransaction: false,
    // pool.query() in two steps, so a failure to connect (nothing was sent) is told apart from a
    // connection lost while the statement ran (it may have committed).
    async query<Row>(
      text: string,
      values?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<Row>> {
      const client = await connect(pool);
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost ??= error;
      };
      client.on?.("error", onError);
      let broken: Error | undefined;
      try {
        return await runQuery<Row>(client, text, values, options?.prepared);
      } catch (error) {
        // A statement error leaves the connection usable; a connection-level one does not.
        if (
          !(error instanceof PostbusDatabaseError) ||
          error.sqlstate === undefined ||
          isConnectionLoss(error)
        ) {
          broken = error instanceof Error ? error : new Error(String(error));
        }
        throw error;
      } finally {
        client.off?.("error", onError);
        client.release(lost ?? broken ?? false);
      }
    },
    openListenConnection(): Promise<ListenConnection> {
      return openPoolListenConnection(pool);
    },
    async transaction<T>(work: (tx: Executor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      const client = await connect(pool);
      // A checked-out client's 'error' event (the server ended the connection while the work did
      // something else) has no listener in pg-pool: without ours it would crash the process.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost ??= error;
      };
      client.on?.("error", onError);
      const deadlineMs = options.statementDeadlineMs;
      const pipelined = options.pipelined === true && enterPipeline(client);
      // Pipelined, BEGIN is not awaited: the first statement is written right behind it, and its
      // result is handed over only once BEGIN has succeeded.
      let begin: Promise<unknown> | undefined;
      const tx: Executor = {
        inCallerTransaction: false,
        query<Row>(text: string, values?: readonly unknown[], queryOptions?: QueryOptions) {
          const sent = runQuery<Row>(client, text, values, queryOptions?.prepared);
          const running = deadlineMs === undefined ? sent : withDeadline(sent, deadlineMs, client);
          const first = begin;
          if (first === undefined) return running;
          begin = undefined;
          running.catch(() => {}); // its outcome is reported behind BEGIN's
          return first.then(() => running);
        },
      };
      let broken: Error | undefined;
      try {
        const beginText =
          options.isolation === "read committed" ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN";
        if (pipelined) {
          begin = tx.query(beginText);
          begin.catch(() => {}); // awaited through the first statement, or below
        } else await tx.query(beginText);
        const result = await work(tx);
        if (begin !== undefined) await begin;
        try {
          await tx.query("COMMIT");
        } catch (error) {
          if (isConnectionLoss(error)) throw commitUnknown(error);
          throw error;
        }
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          // The connection is unusable: let the pool discard it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.off?.("error", onError);
        if (pipelined && !leavePipeline(client))
          broken ??= new Error("a statement was still running after its transaction ended");
        client.release(broken ?? lost ?? false);
      }
    },
  };
}

async function connect(pool: PgPoolLike) {
  const trace = new Error();
  try {
    return await pool.connect();
  } catch (error) {
    throw markNotSent(toPostbusError(error, trace));
  }
}

/**
 * `running`, but when it takes longer than `ms` the client's socket is destroyed: the statement
 * (and every one queued behind it) then fails with a lost connection, and the pool discards it.
 */
async function withDeadline<T>(running: Promise<T>, ms: number, client: PgPoolClientLike): Promise<T> {
  const timer = setTimeout(() => client.connection?.stream?.destroy(), ms);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}

/** The transaction's COMMIT was sent and its connection lost: it may or may not have committed. */
function commitUnknown(cause: unknown): PostbusDatabaseError {
  return new PostbusDatabaseError(
    "POSTBUS_COMMIT_UNKNOWN",
    "The connection was lost while the transaction committed: it may or may not have been committed",
    {
      sqlstate: cause instanceof PostbusDatabaseError ? cause.sqlstate : undefined,
      cause,
      hint: "Check whether its writes are there before running it again; events published with a fixed metadata.event_id can simply be published again",
    },
  );
}
