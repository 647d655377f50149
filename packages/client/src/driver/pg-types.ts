/**
 * Structural types for the parts of node-postgres Postbus uses, so that the
 * client does not import `pg` and works with any compatible version.
 */

/** The result shape of `pg`'s `query`. */
export interface PgQueryResultLike {
  rows: unknown[];
  rowCount: number | null;
}

/** Anything with `pg`'s `query(text, values)` signature: a `Client`, `PoolClient` or `Pool`. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
}

/** A client checked out of a pool. */
export interface PgPoolClientLike extends PgQueryable {
  release(error?: Error | boolean): void;
}

/** A `pg.Pool`. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
  readonly totalCount: number;
}
