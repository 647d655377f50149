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
  on?(event: "error", listener: (error: Error) => void): unknown;
  off?(event: "error", listener: (error: Error) => void): unknown;
  /** `pg`'s wire connection; only used to drop the socket of a peer that stopped answering. */
  readonly connection?: { readonly stream?: { destroy(): void } };
}

/** A `pg.Pool`. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
  readonly totalCount: number;
  /** pg-pool sets it once `end()` has been called. */
  readonly ending?: boolean;
  /** pg-pool's events; Postbus listens for `'error'` (an idle client lost its connection). */
  on?(event: "error", listener: (error: Error) => void): unknown;
  /** pg-pool's client constructor; with `options`, lets Postbus open a dedicated LISTEN connection. */
  readonly Client?: new (
    config: Record<string, unknown>,
  ) => PgClientLike;
  /** pg-pool's copy of the pool configuration, used to configure that dedicated connection. */
  readonly options?: object;
}

/** A notification as `pg` emits it. */
export interface PgNotificationLike {
  channel: string;
  payload?: string | undefined;
}

/** The parts of a `pg` client that a LISTEN connection uses: its events and backend pid. */
export interface PgListenClientLike extends PgQueryable {
  on(event: "notification", listener: (message: PgNotificationLike) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  /** The backend's process id once connected (`pg` names it `processID`). */
  readonly processID?: number | null;
  /** `pg`'s wire connection; only used to drop the socket of a peer that stopped answering. */
  readonly connection?: { readonly stream?: { destroy(): void } };
}

/** A `pg.Client` Postbus creates and owns. */
export interface PgClientLike extends PgListenClientLike {
  connect(): Promise<unknown>;
  end(): Promise<void>;
}
