import type { Executor } from "./executor.js";
import { fromClient } from "./from-client.js";
import { fromPool } from "./from-pool.js";
import type { PgPoolLike, PgQueryable } from "./pg-types.js";

/** What Postbus accepts wherever it needs a database: an {@link Executor}, a `pg.Pool` or a `pg` client. */
export type Database = Executor | PgPoolLike | PgQueryable;

/**
 * Normalizes a {@link Database}. A `pg.Pool` becomes {@link fromPool}; a bare
 * client becomes {@link fromClient}, treated as inside the caller's transaction
 * when `callerTransaction` is true.
 */
export function toExecutor(db: Database, callerTransaction: boolean): Executor {
  if (isExecutor(db)) return db;
  if (isPool(db)) return fromPool(db);
  return fromClient(db, { inTransaction: callerTransaction });
}

function isExecutor(db: Database): db is Executor {
  return typeof (db as Partial<Executor>).inCallerTransaction === "boolean";
}

function isPool(db: Database): db is PgPoolLike {
  const candidate = db as Partial<PgPoolLike>;
  return typeof candidate.connect === "function" && typeof candidate.totalCount === "number";
}
