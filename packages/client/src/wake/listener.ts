import { randomUUID } from "node:crypto";
import type { Executor, ListenConnection, Notification } from "../driver/executor.js";
import { PostbusDatabaseError, PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { quoteIdentifier } from "../validate/check-name.js";

/**
 * Payload prefix of the self-test NOTIFY a listener sends after LISTEN.
 * Notifications carrying it are dropped before they reach any subscriber, in
 * every process (other processes probe the same channels).
 */
export const PROBE_PAYLOAD_PREFIX = "postbus-probe:";

/** PostgreSQL truncates identifiers to 63 bytes; a longer channel would LISTEN on another name. */
const MAX_NOTIFY_CHANNEL_BYTES = 63;

/** SQLSTATE classes meaning "the server refused LISTEN", which no reconnect will change. */
const REFUSED_SQLSTATE_CLASSES = new Set(["0A", "25", "42"]);

/** Self-test NOTIFYs sent before LISTEN is declared useless; each waits twice as long as the one before. */
const PROBE_ATTEMPTS = 3;

const POLLING_ADVICE =
  "Consumers keep working by polling only, so new events can wait up to one poll interval. " +
  "For instant wake-ups";

/**
 * Where a {@link WakeListener} is:
 * - `"connecting"`: opening its first connection;
 * - `"listening"`: connected, LISTENing on every subscribed channel (and the self-test passed);
 * - `"reconnecting"`: the connection was lost, another is being opened with backoff;
 * - `"polling-only"`: notifications cannot work here (warned once); subscribers rely on polling;
 * - `"closed"`: `close()` was called.
 */
export type WakeListenerState = "connecting" | "listening" | "reconnecting" | "polling-only" | "closed";

/** Options of {@link createWakeListener} and {@link sharedListener}; every duration is in ms. */
export interface WakeListenerOptions {
  /** Pause between `SELECT 1` heartbeats on the LISTEN connection. Default 5000. */
  readonly heartbeatIntervalMs?: number;
  /** A heartbeat unanswered this long means a half-open connection: reconnect. Default 5000. */
  readonly heartbeatTimeoutMs?: number;
  /**
   * How long the first self-test NOTIFY may take to come back. An unanswered one is sent again
   * (3 in all, each waiting twice as long; a late arrival of any of them counts), and only when
   * none comes back is LISTEN declared useless here. Default 2000.
   */
  readonly probeTimeoutMs?: number;
  /**
   * After falling back to polling because no self-test NOTIFY came back, how long until the
   * listener connects and tests again (a slow server is not a pooler for ever). Default 60000.
   */
  readonly probeRetryDelayMs?: number;
  /** Largest delay before the first reconnect; it doubles per failure (full jitter). Default 50. */
  readonly reconnectDelayMs?: number;
  /** Cap of the reconnect delay. Default 5000. */
  readonly maxReconnectDelayMs?: number;
  /** Opening a connection that takes longer counts as a failed attempt. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Receives the one warning when LISTEN cannot work. Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
  /** Receives background errors (lost connections, failed reconnects). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** What a subscription is told. Callbacks must not throw; errors go to `onError`. */
export interface WakeSubscriber {
  /**
   * A NOTIFY arrived on the channel: comma-separated event channels, or `""`
   * for "look at every channel". A hint only — read the table.
   */
  onWake(payload: string): void;
  /**
   * Notifications may have been missed and are flowing again: catch up from
   * your cursor. Called each time the channel's LISTEN takes effect after the
   * subscription was made — once its first LISTEN completes, and after every
   * reconnect.
   */
  onReconnect(): void;
  /** The LISTEN connection was lost (it reconnects by itself; `onReconnect` follows). */
  onLost?(error: unknown): void;
  /** Notifications cannot work here (a transaction-mode pooler, LISTEN refused): polling only. */
  onPollingOnly?(reason: string): void;
}

/**
 * Wake-ups for consumers over one LISTEN connection, shared by all its
 * subscriptions. It reconnects with jittered backoff, detects half-open
 * connections with heartbeats, and falls back to "polling-only" (with one
 * warning) where notifications are never delivered.
 *
 * @example
 * ```ts
 * const listener = sharedListener(fromPool(pool));
 * const unsubscribe = listener.subscribe(wakeChannel("public"), {
 *   onWake: (payload) => readSoon(payload === "" ? "all" : payload.split(",")),
 *   onReconnect: () => readSoon("all"),
 * });
 * // …
 * await unsubscribe();
 * await listener.close();
 * ```
 */
export interface WakeListener {
  /** Where the listener is; see {@link WakeListenerState}. */
  readonly state: WakeListenerState;
  /** Backend pid of the current LISTEN connection, if connected. */
  readonly processId: number | undefined;
  /**
   * LISTENs on `notifyChannel` (quoted as an identifier) for `subscriber`.
   * Returns the unsubscribe function, which UNLISTENs once the channel's last
   * subscriber has left and never rejects. Throws only for a bad channel name
   * or a closed listener.
   */
  subscribe(notifyChannel: string, subscriber: WakeSubscriber): () => Promise<void>;
  /** Stops timers, closes the connection and waits for it to be gone. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates a listener with a connection of its own. Most code wants
 * {@link sharedListener}, which shares one connection per executor.
 *
 * @example
 * ```ts
 * const listener = createWakeListener(fromPool(pool), { heartbeatIntervalMs: 10_000 });
 * const unsubscribe = listener.subscribe("postbus.public", { onWake, onReconnect });
 * ```
 */
export function createWakeListener(executor: Executor, options: WakeListenerOptions = {}): WakeListener {
  return new Listener(executor, readListenerOptions(options));
}

const shared = new WeakMap<Executor, { readonly listener: Listener; users: number }>();

/**
 * The process-wide listener of `executor`: every call returns a handle on
 * the same connection, reference-counted; the connection closes when the
 * last handle is closed. Closing a handle also ends its own subscriptions.
 * The options of the call that opened the connection apply.
 *
 * @example
 * ```ts
 * const executor = fromPool(pool);
 * const a = sharedListener(executor);
 * const b = sharedListener(executor); // same LISTEN connection as `a`
 * a.subscribe("postbus.public", { onWake, onReconnect });
 * await a.close(); // b still listens
 * await b.close(); // connection closed
 * ```
 */
export function sharedListener(executor: Executor, options: WakeListenerOptions = {}): WakeListener {
  let entry = shared.get(executor);
  if (entry === undefined || entry.listener.state === "closed") {
    entry = { listener: new Listener(executor, readListenerOptions(options)), users: 0 };
    shared.set(executor, entry);
  }
  entry.users += 1;
  return new SharedHandle(executor, entry);
}

/** A user's handle on a shared listener. */
class SharedHandle implements WakeListener {
  readonly #executor: Executor;
  readonly #entry: { readonly listener: Listener; users: number };
  readonly #unsubscribes = new Set<() => Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(executor: Executor, entry: { readonly listener: Listener; users: number }) {
    this.#executor = executor;
    this.#entry = entry;
  }

  get state(): WakeListenerState {
    return this.#closing ? "closed" : this.#entry.listener.state;
  }

  get processId(): number | undefined {
    return this.#closing ? undefined : this.#entry.listener.processId;
  }

  subscribe(notifyChannel: string, subscriber: WakeSubscriber): () => Promise<void> {
    if (this.#closing) throw closedError();
    const unsubscribe = this.#entry.listener.subscribe(notifyChannel, subscriber);
    const tracked = () => {
      this.#unsubscribes.delete(tracked);
      return unsubscribe();
    };
    this.#unsubscribes.add(tracked);
    return tracked;
  }

  close(): Promise<void> {
    this.#closing ??= this.#release();
    return this.#closing;
  }

  async #release(): Promise<void> {
    await Promise.all([...this.#unsubscribes].map((unsubscribe) => unsubscribe()));
    this.#entry.users -= 1;
    if (this.#entry.users > 0) return;
    if (shared.get(this.#executor) === this.#entry) shared.delete(this.#executor);
    await this.#entry.listener.close();
  }
}

interface ListenerConfig {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly probeTimeoutMs: number;
  readonly probeRetryDelayMs: number;
  readonly reconnectDelayMs: number;
  readonly maxReconnectDelayMs: number;
  readonly connectTimeoutMs: number;
  readonly onWarning: (message: string) => void;
  readonly onError: (error: unknown) => void;
}

function readListenerOptions(options: WakeListenerOptions): ListenerConfig {
  const duration = (name: keyof WakeListenerOptions, fallback: number): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `options.${name} must be a positive number`, {
        subject: { field: `options.${name}` },
        hint: `Pass a duration in milliseconds, or leave it out for ${fallback}`,
      });
    }
    return value;
  };
  const callback = <F>(name: "onWarning" | "onError", fallback: F): F => {
    const value = options[name] ?? fallback;
    if (typeof value !== "function") {
      throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `options.${name} must be a function`, {
        subject: { field: `options.${name}` },
      });
    }
    return value as F;
  };
  return Object.freeze({
    heartbeatIntervalMs: duration("heartbeatIntervalMs", 5_000),
    heartbeatTimeoutMs: duration("heartbeatTimeoutMs", 5_000),
    probeTimeoutMs: duration("probeTimeoutMs", 2_000),
    probeRetryDelayMs: duration("probeRetryDelayMs", 60_000),
    reconnectDelayMs: duration("reconnectDelayMs", 50),
    maxReconnectDelayMs: duration("maxReconnectDelayMs", 5_000),
    connectTimeoutMs: duration("connectTimeoutMs", 10_000),
    onWarning: callback("onWarning", (message: string) =>
      process.emitWarning(message, { type: "PostbusWarning", code: "POSTBUS_LISTEN_UNAVAILABLE" }),
    ),
    onError: callback("onError", (_error: unknown) => {}),
  });
}

interface Subscription {
  readonly channel: string;
  readonly subscriber: WakeSubscriber;
  /** LISTEN has taken effect since this subscription was made (on the current connection). */
  live: boolean;
}

/** One open LISTEN connection and what has been done on it. */
interface Link {
  readonly connection: ListenConnection;
  /** Channels a LISTEN was sent for, each with a token identifying that LISTEN. */
  readonly listened: Map<string, symbol>;
  /** Channels whose LISTEN completed. */
  readonly live: Set<string>;
  /** The self-test: undefined before it starts, then its promise. */
  probe: Promise<void> | undefined;
  /** The self-test failed for reasons of its own (the NOTIFY errored): retry at the next heartbeat. */
  probeRetry: boolean;
  /** The self-test's NOTIFY payloads sent on this link so far; any of them arriving, however late, proves delivery. */
  pendingProbe: { readonly payloads: Set<string>; readonly arrived: () => void } | undefined;
  heartbeat: NodeJS.Timeout | undefined;
  /** When its LISTENs and self-test completed (undefined before). */
  listeningSince: number | undefined;
}

const TIMED_OUT = Symbol("timed out");

class Listener implements WakeListener {
  readonly #executor: Executor;
  readonly #config: ListenerConfig;
  readonly #channels = new Map<string, Set<Subscription>>();
  /** Everything running in the background; `close()` waits for all of it. */
  readonly #tasks = new Set<Promise<void>>();
  #state: WakeListenerState = "connecting";
  #link: Link | undefined;
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  /** Set while polling-only because no self-test came back: when to test again. */
  #probeRetryTimer: NodeJS.Timeout | undefined;
  #warned = false;
  #closing: Promise<void> | undefined;

  constructor(executor: Executor, config: ListenerConfig) {
    this.#executor = executor;
    this.#config = config;
    if (executor.openListenConnection === undefined) {
      this.#fallBackToPolling(
        "Postbus cannot LISTEN for wake-ups: this executor cannot open a connection of its own " +
          `(it has no openListenConnection, as with fromClient). ${POLLING_ADVICE}, give Postbus a pg.Pool (or fromPool(pool)).`,
      );
    } else {
      this.#connect();
    }
  }

  get state(): WakeListenerState {
    return this.#state;
  }

  get processId(): number | undefined {
    return this.#link?.connection.processId;
  }

  subscribe(notifyChannel: string, subscriber: WakeSubscriber): () => Promise<void> {
    checkNotifyChannel(notifyChannel);
    if (this.#state === "closed") throw closedError();
    const subscription: Subscription = { channel: notifyChannel, subscriber, live: false };
    let subscriptions = this.#channels.get(notifyChannel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.#channels.set(notifyChannel, subscriptions);
    }
    subscriptions.add(subscription);
    const link = this.#link;
    if (link?.live.has(notifyChannel)) subscription.live = true;
    else if (link !== undefined) this.#track(this.#listen(link, notifyChannel));
    let done = false;
    return () => {
      if (done) return Promise.resolve();
      done = true;
      return this.#unsubscribe(subscription);
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#state = "closed";
    clearTimeout(this.#probeRetryTimer);
    this.#stopConnection();
    this.#channels.clear();
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  get #stopped(): boolean {
    return this.#state === "closed" || this.#state === "polling-only";
  }

  #unsubscribe(subscription: Subscription): Promise<void> {
    const subscriptions = this.#channels.get(subscription.channel);
    if (subscriptions === undefined || !subscriptions.delete(subscription)) return Promise.resolve();
    if (subscriptions.size > 0) return Promise.resolve();
    this.#channels.delete(subscription.channel);
    const link = this.#link;
    if (link === undefined || !link.listened.delete(subscription.channel)) return Promise.resolve();
    link.live.delete(subscription.channel);
    return this.#track(
      link.connection.query(`UNLISTEN ${quoteIdentifier(subscription.channel)}`).then(
        () => {},
        (error) => {
          if (this.#link === link) this.#lose(link, error);
        },
      ),
    );
  }

  #connect(): void {
    this.#track(this.#openLink());
  }

  async #openLink(): Promise<void> {
    let connection: ListenConnection;
    try {
      connection = await this.#openConnection();
    } catch (error) {
      if (this.#stopped) return;
      this.#report(error);
      this.#scheduleReconnect();
      return;
    }
    if (this.#stopped) {
      await connection.close();
      return;
    }
    const link: Link = {
      connection,
      listened: new Map(),
      live: new Set(),
      probe: undefined,
      probeRetry: false,
      pendingProbe: undefined,
      heartbeat: undefined,
      listeningSince: undefined,
    };
    this.#link = link;
    connection.onNotification((notification) => this.#dispatch(link, notification));
    connection.onLost((error) => this.#lose(link, error));
    // A Map iterator also visits channels subscribed while earlier LISTENs run. The heartbeat starts
    // only afterwards, so a connection that goes half-open right now is caught by this deadline.
    const setUp = (async () => {
      for (const channel of this.#channels.keys()) {
        await this.#listen(link, channel);
        if (this.#link !== link) return;
      }
    })();
    if ((await withTimeout(setUp, this.#config.connectTimeoutMs)) === TIMED_OUT) {
      this.#lose(link, new Error(`LISTEN did not complete within ${this.#config.connectTimeoutMs} ms`));
      return;
    }
    // The self-test has deadlines of its own (it may retry), outside the connect timeout.
    await link.probe;
    if (this.#link !== link) return;
    this.#state = "listening";
    link.listeningSince = Date.now();
    this.#scheduleHeartbeat(link);
  }

  async #openConnection(): Promise<ListenConnection> {
    const opening = this.#executor.openListenConnection!();
    const outcome = await withTimeout(opening, this.#config.connectTimeoutMs);
    if (outcome !== TIMED_OUT) return outcome;
    void opening.then(
      (late) => late.close(),
      () => {},
    );
    throw new PostbusDatabaseError(
      "POSTBUS_DATABASE_ERROR",
      `Opening the LISTEN connection took longer than ${this.#config.connectTimeoutMs} ms`,
    );
  }

  /** LISTENs on `channel`; when that takes effect, its subscribers catch up and the self-test runs. */
  async #listen(link: Link, channel: string): Promise<void> {
    if (link.listened.has(channel)) return;
    const token = Symbol(channel);
    link.listened.set(channel, token);
    try {
      await link.connection.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      if (this.#link !== link) return;
      if (isRefusal(error)) {
        this.#fallBackToPolling(
          `PostgreSQL refused LISTEN on "${channel}" (${errorMessage(error)}). ${POLLING_ADVICE}, ` +
            "connect Postbus's pool to a server or session-mode pooler that supports LISTEN.",
        );
      } else {
        this.#lose(link, error);
      }
      return;
    }
    if (this.#link !== link || link.listened.get(channel) !== token) return;
    link.live.add(channel);
    for (const subscription of [...(this.#channels.get(channel) ?? [])]) {
      if (subscription.live) continue;
      subscription.live = true;
      this.#call(() => subscription.subscriber.onReconnect());
    }
    if (link.probe === undefined) link.probe = this.#track(this.#probe(link, channel));
  }

  /**
   * Sends `NOTIFY channel, 'postbus-probe:<random>'` through the executor and waits for it on
   * the LISTEN connection, up to {@link PROBE_ATTEMPTS} times with growing deadlines; any of
   * them arriving, even late, proves notifications are delivered. A transaction-mode pooler
   * accepts LISTEN but never delivers: when none comes back, warn once, poll only, and test
   * again after `probeRetryDelayMs`.
   */
  async #probe(link: Link, channel: string): Promise<void> {
    // A NOTIFY inside the caller's transaction arrives only when they commit: nothing to learn.
    if (this.#executor.inCallerTransaction) return;
    link.probeRetry = false;
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const payloads = new Set<string>();
    link.pendingProbe = { payloads, arrived };
    let waitedMs = 0;
    for (let attempt = 0; attempt < PROBE_ATTEMPTS; attempt++) {
      const payload = `${PROBE_PAYLOAD_PREFIX}${randomUUID()}`;
      payloads.add(payload);
      try {
        await this.#executor.query("SELECT pg_notify($1, $2)", [channel, payload]);
      } catch (error) {
        link.pendingProbe = undefined;
        if (this.#link !== link) return;
        this.#report(error);
        link.probeRetry = true;
        return;
      }
      const timeoutMs = this.#config.probeTimeoutMs * 2 ** attempt;
      waitedMs += timeoutMs;
      const outcome = await withTimeout(arrival, timeoutMs);
      if (this.#link !== link) return;
      if (outcome !== TIMED_OUT) {
        link.pendingProbe = undefined;
        return;
      }
    }
    link.pendingProbe = undefined;
    this.#fallBackToPolling(
      `Postbus sent ${PROBE_ATTEMPTS} test NOTIFYs on "${channel}" and its LISTEN connection received none of them ` +
        `within ${waitedMs} ms, so notifications do not seem to be delivered here. A transaction-mode pooler ` +
        `(such as PgBouncer with pool_mode=transaction) does this: it accepts LISTEN but never forwards ` +
        `notifications; a server too busy to deliver them in time looks the same. ${POLLING_ADVICE}, point ` +
        `Postbus's pool directly at PostgreSQL or at a session-mode pooler. Postbus tests again every ` +
        `${this.#config.probeRetryDelayMs} ms and goes back to listening once a test comes through.`,
      true,
    );
  }

  #dispatch(link: Link, notification: Notification): void {
    if (this.#link !== link) return;
    const payload = notification.payload ?? "";
    if (payload.startsWith(PROBE_PAYLOAD_PREFIX)) {
      if (link.pendingProbe?.payloads.has(payload)) link.pendingProbe.arrived();
      return;
    }
    const subscriptions = this.#channels.get(notification.channel);
    if (subscriptions === undefined) return;
    for (const subscription of [...subscriptions]) this.#call(() => subscription.subscriber.onWake(payload));
  }

  #scheduleHeartbeat(link: Link): void {
    link.heartbeat = setTimeout(() => {
      link.heartbeat = undefined;
      this.#track(this.#heartbeat(link));
    }, this.#config.heartbeatIntervalMs);
    link.heartbeat.unref();
  }

  /** `SELECT 1` with a deadline: no answer means the peer is gone (or frozen) without closing the socket. */
  async #heartbeat(link: Link): Promise<void> {
    if (this.#link !== link) return;
    const timeoutMs = this.#config.heartbeatTimeoutMs;
    let outcome: unknown;
    try {
      outcome = await withTimeout(link.connection.query("SELECT 1"), timeoutMs);
    } catch (error) {
      this.#lose(link, error);
      return;
    }
    if (outcome === TIMED_OUT) {
      this.#lose(
        link,
        new PostbusDatabaseError(
          "POSTBUS_DATABASE_ERROR",
          `The LISTEN connection did not answer a heartbeat within ${timeoutMs} ms; reconnecting`,
        ),
      );
      return;
    }
    if (this.#link !== link) return;
    this.#failures = 0; // healthy for a full interval: the next loss starts the backoff afresh
    if (link.probeRetry) {
      const [channel] = link.live;
      if (channel !== undefined) link.probe = this.#track(this.#probe(link, channel));
    }
    this.#scheduleHeartbeat(link);
  }

  /** The connection failed: drop it, and (unless stopped) reconnect; subscribers catch up afterwards. */
  #lose(link: Link, error: unknown): void {
    if (this.#link !== link) return;
    // A link that was set up and stayed up a while earned a fresh backoff: the next reconnect is
    // prompt even when losses repeat faster than heartbeats. One that failed at once keeps backing off.
    const stableMs = Math.min(1_000, this.#config.heartbeatIntervalMs);
    if (link.listeningSince !== undefined && Date.now() - link.listeningSince >= stableMs) this.#failures = 0;
    this.#stopConnection();
    if (this.#stopped) return;
    this.#report(error);
    this.#tell((subscriber) => subscriber.onLost?.(error));
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#reconnectTimer !== undefined) return;
    this.#state = "reconnecting";
    const { reconnectDelayMs, maxReconnectDelayMs } = this.#config;
    const ceiling = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** Math.min(this.#failures, 30));
    this.#failures += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#stopped) this.#connect();
    }, Math.random() * ceiling);
    this.#reconnectTimer.unref();
  }

  #fallBackToPolling(warning: string, testAgain = false): void {
    if (this.#stopped) return;
    this.#state = "polling-only";
    this.#stopConnection();
    if (testAgain) {
      this.#probeRetryTimer = setTimeout(() => {
        this.#probeRetryTimer = undefined;
        if (this.#state !== "polling-only") return;
        this.#state = "reconnecting";
        this.#connect();
      }, this.#config.probeRetryDelayMs);
      this.#probeRetryTimer.unref();
    }
    this.#tell((subscriber) => subscriber.onPollingOnly?.(warning));
    if (this.#warned) return;
    this.#warned = true;
    try {
      this.#config.onWarning(warning);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Clears timers and closes the current connection (in the background, awaited by `close()`). */
  #stopConnection(): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const link = this.#link;
    if (link === undefined) return;
    this.#link = undefined;
    clearTimeout(link.heartbeat);
    link.pendingProbe?.arrived();
    for (const subscriptions of this.#channels.values()) {
      for (const subscription of subscriptions) subscription.live = false;
    }
    this.#track(link.connection.close());
  }

  #track(work: Promise<void>): Promise<void> {
    const task = work.catch((error: unknown) => this.#report(error));
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
    return task;
  }

  /** Calls `callback` for every subscriber of every channel. */
  #tell(callback: (subscriber: WakeSubscriber) => unknown): void {
    for (const subscriptions of this.#channels.values()) {
      for (const subscription of subscriptions) this.#call(() => callback(subscription.subscriber));
    }
  }

  #call(callback: () => unknown): void {
    try {
      const result = callback();
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.#report(error));
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    try {
      this.#config.onError(error);
    } catch {
      // The error handler itself failed; there is nobody left to tell.
    }
  }
}

function checkNotifyChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== "string" || channel === "" || channel.includes("\0")) {
    throw new PostbusInputError("POSTBUS_NAME_INVALID", `Invalid notify channel ${JSON.stringify(channel)}`, {
      subject: { field: "notifyChannel" },
      hint: 'Use wakeChannel(schema), e.g. "postbus.public"',
    });
  }
  if (Buffer.byteLength(channel) > MAX_NOTIFY_CHANNEL_BYTES) {
    throw new PostbusInputError(
      "POSTBUS_NAME_TOO_LONG",
      `The notify channel "${channel.slice(0, 20)}…" is longer than ${MAX_NOTIFY_CHANNEL_BYTES} bytes`,
      {
        subject: { field: "notifyChannel" },
        hint: "PostgreSQL would LISTEN on a truncated name; use a shorter schema name",
      },
    );
  }
}

function closedError(): PostbusError {
  return new PostbusError("POSTBUS_CLOSED", "This wake listener is closed", {
    hint: "Create a new listener (sharedListener(executor)) instead of reusing a closed one",
  });
}

/** An error PostgreSQL returned for LISTEN itself (not a lost connection). */
function isRefusal(error: unknown): boolean {
  const sqlstate = (error as { readonly sqlstate?: unknown } | null)?.sqlstate;
  return typeof sqlstate === "string" && REFUSED_SQLSTATE_CLASSES.has(sqlstate.slice(0, 2));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** `work`'s result, or {@link TIMED_OUT} after `ms`; the timer never outlives the race. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
