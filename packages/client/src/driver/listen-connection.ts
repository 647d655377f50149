import type { ListenConnection, Notification, QueryResult } from "./executor.js";
import type { PgListenClientLike, PgPoolLike } from "./pg-types.js";
import { runQuery } from "./run-query.js";
import { toPostbusError } from "./wrap-database-error.js";

/** `application_name` of the connections Postbus opens for LISTEN. */
export const LISTENER_APPLICATION_NAME = "postbus-listener";

/** How long `close()` waits for a graceful goodbye before destroying the socket. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Opens a {@link ListenConnection} for a `pg.Pool`: preferably a dedicated
 * client built from the pool's own configuration (`pool.Client`,
 * `pool.options`) with `keepAlive` on and `application_name`
 * `"postbus-listener"`; otherwise a client checked out of the pool, which
 * `close()` destroys (`release(true)`) instead of returning.
 *
 * @example
 * ```ts
 * const connection = await openPoolListenConnection(pool);
 * ```
 */
export async function openPoolListenConnection(pool: PgPoolLike): Promise<ListenConnection> {
  const trace = new Error();
  if (pool.Client !== undefined && pool.options !== undefined) {
    const client = new pool.Client(dedicatedConfig(pool.options));
    const connection = new PgListenConnection(client, () => client.end());
    try {
      await client.connect();
    } catch (error) {
      await connection.close();
      throw toPostbusError(error, trace);
    }
    return connection;
  }
  let borrowed: Awaited<ReturnType<PgPoolLike["connect"]>>;
  try {
    borrowed = await pool.connect();
  } catch (error) {
    throw toPostbusError(error, trace);
  }
  if (!isListenClient(borrowed)) {
    borrowed.release();
    throw new Error("the pool's clients do not emit notifications (no `on` method); LISTEN is unavailable");
  }
  const client = borrowed;
  // `true`: the pool ends this client instead of handing it (and its LISTENs) to the next caller.
  return new PgListenConnection(client, () => borrowed.release(true));
}

/**
 * The pool's client configuration with the listener's settings. pg-pool
 * hides `password` from enumeration, so it is copied explicitly.
 */
function dedicatedConfig(options: object): Record<string, unknown> {
  const config: Record<string, unknown> = { ...options };
  const password = (options as { readonly password?: unknown }).password;
  if (password !== undefined) config.password = password;
  config.keepAlive = true;
  config.application_name = LISTENER_APPLICATION_NAME;
  return config;
}

function isListenClient<T extends object>(client: T): client is T & PgListenClientLike {
  return typeof (client as Partial<PgListenClientLike>).on === "function";
}

/** A `pg` client adapted to {@link ListenConnection}. */
class PgListenConnection implements ListenConnection {
  readonly #client: PgListenClientLike;
  readonly #dispose: () => unknown;
  readonly #notificationCallbacks: Array<(notification: Notification) => void> = [];
  readonly #lostCallbacks: Array<(error: Error) => void> = [];
  #lostError: Error | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #ended: Promise<void>;
  #isEnded = false;

  constructor(client: PgListenClientLike, dispose: () => unknown) {
    this.#client = client;
    this.#dispose = dispose;
    let markEnded = () => {};
    this.#ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    client.on("notification", (message) => {
      if (this.#closed) return;
      const notification: Notification = { channel: message.channel, payload: message.payload };
      for (const callback of [...this.#notificationCallbacks]) callback(notification);
    });
    // Handling 'error' is what keeps a dropped connection from becoming an uncaught exception.
    client.on("error", (error) => this.#lose(error));
    client.on("end", () => {
      this.#isEnded = true;
      markEnded();
      this.#lose(new Error("the LISTEN connection ended unexpectedly"));
    });
  }

  get processId(): number | undefined {
    const id = this.#client.processID;
    return typeof id === "number" ? id : undefined;
  }

  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
    return runQuery<Row>(this.#client, text, values);
  }

  onNotification(callback: (notification: Notification) => void): void {
    this.#notificationCallbacks.push(callback);
  }

  onLost(callback: (error: Error) => void): void {
    const lost = this.#lostError;
    if (lost !== undefined) {
      queueMicrotask(() => callback(lost));
      return;
    }
    this.#lostCallbacks.push(callback);
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = this.#close();
    }
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#notificationCallbacks.length = 0;
    this.#lostCallbacks.length = 0;
    try {
      // Always, even after the connection ended: a pool must still be told to forget its client.
      void Promise.resolve(this.#dispose()).catch(() => {});
    } catch {
      // Already unusable: fall through to destroying the socket.
    }
    if (this.#isEnded) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), CLOSE_GRACE_MS);
      timer.unref();
    });
    const outcome = await Promise.race([this.#ended.then(() => "ended" as const), grace]);
    clearTimeout(timer);
    // A peer that stopped answering never acknowledges the goodbye: drop the socket.
    if (outcome === "timeout") this.#client.connection?.stream?.destroy();
  }

  #lose(error: unknown): void {
    if (this.#lostError !== undefined || this.#closed) return;
    const lost = toPostbusError(error, new Error());
    this.#lostError = lost;
    const callbacks = this.#lostCallbacks.splice(0);
    for (const callback of callbacks) callback(lost);
  }
}
