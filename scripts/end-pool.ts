/**
 * Ending a `pg.Pool` before stopping the server it talks to.
 *
 * `pool.end()` resolves once the pool has let go of its clients, not once their connections
 * have closed (node-postgres issue 2328): each client has only sent its Terminate. A server
 * stopped at that moment terminates the backends that have not read it yet, and their clients
 * report `57P01 terminating connection due to administrator command` as a pool error — the
 * program's own shutdown, seen as a lost connection.
 */

/** The parts of a `pg.Pool` {@link endPool} uses. */
export interface EndablePool {
  readonly totalCount: number;
  end(): Promise<void>;
  /**
   * pg-pool emits `'remove'` with the client once its connection has closed (twice for a client
   * that also errored while closing).
   */
  on(event: "remove", listener: (client: object) => void): unknown;
  off(event: "remove", listener: (client: object) => void): unknown;
}

/**
 * Ends `pool` and resolves once every connection it had has closed (or after `timeoutMs`,
 * for a client that never finished connecting), so the server can be stopped next.
 *
 * @example
 * ```ts
 * await endPool(pool);
 * await embedded.stop();
 * ```
 */
export async function endPool(pool: EndablePool, timeoutMs = 5_000): Promise<void> {
  const open = pool.totalCount;
  const closed = new Set<object>();
  let allClosed = () => {};
  const gone = new Promise<void>((resolve) => {
    allClosed = resolve;
  });
  const onRemove = (client: object) => {
    closed.add(client);
    if (closed.size >= open) allClosed();
  };
  pool.on("remove", onRemove);
  if (open === 0) allClosed();
  let timer: NodeJS.Timeout | undefined;
  try {
    await pool.end();
    await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    pool.off("remove", onRemove);
  }
}
