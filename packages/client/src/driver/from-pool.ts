import type { Executor, QueryResult } from "./executor.js";
import { type ListenConnection, openPoolListenConnection } from "./listen-connection.js";
import type { PgPoolLike } from "./pg-types.js";
import { runQuery } from "./run-query.js";
import { toPostbusError } from "./wrap-database-error.js";

/**
 * Adapts a `pg.Pool`. Each statement runs on whichever connection is free and
 * commits on its own; `transaction()` checks out one connection for BEGIN … COMMIT;
 * `openListenConnection()` opens a dedicated `"postbus-listener"` client from the
 * pool's configuration (or borrows one and destroys it on close).
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

function adaptPool(pool: PgPoolLike): Executor {
  return {
    inCallerTransaction: false,
    query<Row>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
      return runQuery<Row>(pool, text, values);
    },
    openListenConnection(): Promise<ListenConnection> {
      return openPoolListenConnection(pool);
    },
    async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
      const client = await connect(pool);
      const tx: Executor = {
        inCallerTransaction: false,
        query<Row>(text: string, values?: readonly unknown[]) {
          return runQuery<Row>(client, text, values);
        },
      };
      let broken: Error | undefined;
      try {
        await tx.query("BEGIN");
        const result = await work(tx);
        await tx.query("COMMIT");
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
        client.release(broken ?? false);
      }
    },
  };
}

async function connect(pool: PgPoolLike) {
  const trace = new Error();
  try {
    return await pool.connect();
  } catch (error) {
    throw toPostbusError(error, trace);
  }
}
