import type { Executor, QueryOptions, QueryResult } from "./executor.js";
import type { PgQueryable } from "./pg-types.js";
import { runQuery } from "./run-query.js";
import { watchTransactionEnd } from "./transaction-end.js";

/**
 * Adapts one caller-owned `pg` client (a `Client` or a `PoolClient`), usually
 * in the middle of the caller's own transaction. Postbus never begins, commits
 * or releases it: events written through it commit or roll back with the
 * caller's other writes (the transactional outbox). It watches the client's
 * connection for the end of that transaction (`onTransactionEnd`), so readers
 * are woken the moment it commits.
 *
 * @example
 * ```ts
 * const client = await pool.connect();
 * await client.query("BEGIN");
 * await client.query("UPDATE orders SET status = 'placed' WHERE id = $1", [id]);
 * await bus.publish("order.placed", { orderId: id }, { tx: fromClient(client) }); // or simply { tx: client }
 * await client.query("COMMIT");
 * client.release();
 * ```
 */
export function fromClient(client: PgQueryable, options: { inTransaction?: boolean } = {}): Executor {
  return {
    inCallerTransaction: options.inTransaction ?? true,
    query<Row>(
      text: string,
      values?: readonly unknown[],
      queryOptions?: QueryOptions,
    ): Promise<QueryResult<Row>> {
      return runQuery<Row>(client, text, values, queryOptions?.prepared);
    },
    onTransactionEnd: (callback) => watchTransactionEnd(client, callback),
  };
}
