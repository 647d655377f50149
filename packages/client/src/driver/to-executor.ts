import { PostbusInputError } from "../errors/postbus-error.js";
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
  const field = callerTransaction ? "tx" : "db";
  let kind: "executor" | "pool" | "client" | "none";
  try {
    kind = isExecutor(db)
      ? "executor"
      : isPool(db)
        ? "pool"
        : typeof (db as Partial<PgQueryable> | null)?.query === "function"
          ? "client"
          : "none";
  } catch {
    kind = "none"; // a getter or Proxy that threw while it was looked at
  }
  if (kind === "executor") return db as Executor;
  if (kind === "pool") return fromPool(db as PgPoolLike);
  if (kind === "none") {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `${field} is not a database: it has no query method`,
      {
        subject: { field },
        hint: "Pass a pg.Pool, a pg client (inside BEGIN for tx) or an executor (fromPool, fromClient)",
      },
    );
  }
  return fromClient(db, { inTransaction: callerTransaction });
}

function isExecutor(db: Database): db is Executor {
  return typeof (db as Partial<Executor> | null)?.inCallerTransaction === "boolean";
}

function isPool(db: Database): db is PgPoolLike {
  const candidate = (db ?? {}) as Partial<PgPoolLike>;
  return typeof candidate.connect === "function" && typeof candidate.totalCount === "number";
}
