import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { rowToEvent } from "../read/row-to-event.js";
import type { EventRow } from "../sql/select-latest-events.js";
import type { WakeSource } from "../wake/wake-source.js";
import type { LateReply } from "./late-reply.js";
import { PostbusReplyError } from "./reply-error.js";
import { isErrorReplyEvent, requestIdOf } from "./reply-protocol.js";

/** How a client waits for replies. */
export interface ReplyWaiterOptions {
  /** Looks for replies this often while requests wait, in case a wake-up is lost. */
  readonly pollIntervalMs: number;
  /** How long after a timeout a reply is still watched for, to report it as late. */
  readonly lateReplyWindowMs: number;
  /** Told of every reply found after its request timed out. */
  readonly onLateReply: (late: LateReply) => void;
  /** Errors of the background reply lookups (they are retried on the next wake-up or poll). */
  readonly onError: (error: unknown) => void;
  /** Whether the lookup statement is prepared (named). */
  readonly prepared: boolean;
}

interface Waiting {
  readonly requestType: string;
  /** The channel its reply is read on (the request's `reply_to`). */
  readonly replyTo: string;
  readonly resolve: (reply: StoredEvent) => void;
  readonly reject: (error: unknown) => void;
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  /** The deadline passed; one last lookup runs before the request is given up. */
  overdue: boolean;
  detach: () => void;
}

interface Abandoned {
  readonly requestType: string;
  /** The channel its reply is read on (the request's `reply_to`). */
  readonly replyTo: string;
  readonly timedOutAt: number;
}

/** How long close() waits for a lookup in flight. */
const CLOSE_WAIT_MS = 1_000;

/** How long the last lookup at a deadline may take before the request times out anyway. */
function deadlineGrace(timeoutMs: number): number {
  return Math.min(1_000, Math.max(50, Math.round(timeoutMs / 10)));
}

/** Largest number of request ids in one lookup statement. */
const LOOKUP_CHUNK = 5_000;

/**
 * Waits for the replies of one client's requests. One lookup statement serves
 * every waiting request: it runs when a wake-up names a reply channel (LISTEN
 * or a commit in this process), when the listener reconnects, on a polling
 * backstop while anything waits, and once more at each request's deadline.
 * Requests that timed out stay watched for `lateReplyWindowMs`, so a late reply
 * is reported to `onLateReply` rather than dropped unseen (it is in the table
 * either way).
 */
export class ReplyWaiter {
  readonly #waiting = new Map<string, Waiting>();
  readonly #abandoned = new Map<string, Abandoned>();
  #unsubscribe: (() => Promise<void>) | undefined;
  #poller: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly executor: Executor,
    private readonly repliesSql: string,
    private readonly wakes: WakeSource,
    private readonly options: ReplyWaiterOptions,
  ) {}

  /** Number of requests waiting for a reply now. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /**
   * Starts waiting for the reply to `requestId` on the channel `replyTo`. Call it before the
   * request is published, so no reply can come before anyone looks for it.
   */
  wait(
    requestId: string,
    requestType: string,
    replyTo: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<StoredEvent> {
    if (this.#waiting.has(requestId)) {
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        `A request with the id ${requestId} is already waiting`,
        {
          subject: { eventType: requestType, requestId, field: "metadata.event_id" },
          hint: "Give every request its own metadata.event_id, or leave it out and let Postbus choose one",
        },
      );
    }
    this.#abandoned.delete(requestId); // a retry under the same id: its reply is not late
    return new Promise<StoredEvent>((resolve, reject) => {
      const onAbort = () =>
        this.#settle(
          requestId,
          new PostbusError(
            "POSTBUS_REQUEST_ABORTED",
            `The "${requestType}" request ${requestId} was aborted`,
            {
              subject: { eventType: requestType, requestId },
              hint: "The request stays in the table; a responder may still answer it",
              cause: signal?.reason,
            },
          ),
        );
      const waiting: Waiting = {
        requestType,
        replyTo,
        resolve,
        reject,
        timeoutMs,
        timer: undefined,
        overdue: false,
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      this.#waiting.set(requestId, waiting);
      waiting.timer = setTimeout(() => {
        // One last lookup, so a reply whose wake-up is still on its way is not missed; if the
        // database does not answer within the grace period, the request times out regardless.
        waiting.overdue = true;
        this.lookup();
        waiting.timer = setTimeout(() => this.#timeOut(requestId), deadlineGrace(timeoutMs));
        waiting.timer.unref();
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#start();
    });
  }

  /** Stops waiting for `requestId` and rejects its promise with `error` (e.g. the publish failed). */
  cancel(requestId: string, error: unknown): void {
    this.#settle(requestId, error);
  }

  /** Looks for replies now (coalesced: at most one lookup runs, and one more is queued). */
  lookup(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#lookupLoop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Rejects every waiting request with `POSTBUS_CLOSED` and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const requestId of [...this.#waiting.keys()]) {
      const waiting = this.#waiting.get(requestId)!;
      this.#settle(
        requestId,
        new PostbusError(
          "POSTBUS_CLOSED",
          `The client closed while the "${waiting.requestType}" request ${requestId} waited`,
          {
            subject: { eventType: waiting.requestType, requestId },
            hint: "Close the client after its requests have settled",
          },
        ),
      );
    }
    this.#abandoned.clear();
    this.#stopPolling();
    // A lookup stuck on the database (an exhausted pool) must not hold close() up for long.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#running,
      new Promise((resolve) => {
        bound = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(bound);
    await this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #start(): void {
    this.#unsubscribe ??= this.wakes.subscribe(
      (channels) => {
        if (channels === "all" || channels.some((channel) => this.#watches(channel))) this.lookup();
      },
      () => this.lookup(),
    );
    if (!this.#poller) {
      this.#poller = setInterval(() => this.lookup(), this.options.pollIntervalMs);
      this.#poller.unref();
    }
  }

  #watches(channel: string): boolean {
    for (const waiting of this.#waiting.values()) if (waiting.replyTo === channel) return true;
    for (const abandoned of this.#abandoned.values()) if (abandoned.replyTo === channel) return true;
    return false;
  }

  #stopPolling(): void {
    if (this.#poller) clearInterval(this.#poller);
    this.#poller = undefined;
  }

  async #lookupLoop(): Promise<void> {
    do {
      this.#again = false;
      const overdue = [...this.#waiting].filter(([, waiting]) => waiting.overdue).map(([id]) => id);
      try {
        await this.#lookupOnce();
      } catch (error) {
        this.#report(error);
      }
      // A request whose deadline passed and whose last lookup found nothing is given up.
      for (const requestId of overdue) this.#timeOut(requestId);
    } while (this.#again && !this.#closed);
    this.#forgetOldAbandoned();
    if (this.#waiting.size === 0 && this.#abandoned.size === 0) this.#stopPolling();
  }

  async #lookupOnce(): Promise<void> {
    const ids = [...this.#waiting.keys(), ...this.#abandoned.keys()];
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const chunk = ids.slice(start, start + LOOKUP_CHUNK);
      const { rows } = await this.executor.query<EventRow>(this.repliesSql, [chunk], {
        prepared: this.options.prepared,
      });
      for (const row of rows) this.#deliver(rowToEvent(row));
    }
  }

  #deliver(reply: StoredEvent): void {
    const requestId = requestIdOf(reply);
    if (requestId === undefined) return;
    const waiting = this.#waiting.get(requestId);
    if (waiting?.replyTo === reply.channel) {
      this.#settle(
        requestId,
        isErrorReplyEvent(reply) ? new PostbusReplyError(waiting.requestType, requestId, reply) : undefined,
        reply,
      );
      return;
    }
    const abandoned = this.#abandoned.get(requestId);
    if (abandoned?.replyTo === reply.channel) {
      this.#abandoned.delete(requestId);
      try {
        this.options.onLateReply({
          reply,
          requestId,
          requestType: abandoned.requestType,
          lateByMs: Date.now() - abandoned.timedOutAt,
        });
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** Hands a background error to `onError`; an `onError` that throws must not break the waiter. */
  #report(error: unknown): void {
    try {
      this.options.onError(error);
    } catch {
      // nothing left to tell
    }
  }

  #timeOut(requestId: string): void {
    const waiting = this.#waiting.get(requestId);
    if (!waiting) return;
    this.#settle(
      requestId,
      new PostbusError(
        "POSTBUS_REQUEST_TIMEOUT",
        `No reply to the "${waiting.requestType}" request ${requestId} (its correlation id) within ${waiting.timeoutMs} ms`,
        {
          subject: { eventType: waiting.requestType, requestId },
          hint:
            "Check that a responder runs for it (postbus status lists requests, their lag and dead letters); " +
            "a reply that comes later is kept in the table and reported to onLateReply",
        },
      ),
    );
    if (!this.#closed && this.options.lateReplyWindowMs > 0) {
      this.#abandoned.set(requestId, {
        requestType: waiting.requestType,
        replyTo: waiting.replyTo,
        timedOutAt: Date.now(),
      });
    }
  }

  #forgetOldAbandoned(): void {
    const now = Date.now();
    for (const [requestId, abandoned] of this.#abandoned) {
      if (now - abandoned.timedOutAt > this.options.lateReplyWindowMs) this.#abandoned.delete(requestId);
    }
  }

  #settle(requestId: string, error: unknown, reply?: StoredEvent): void {
    const waiting = this.#waiting.get(requestId);
    if (!waiting) return;
    this.#waiting.delete(requestId);
    clearTimeout(waiting.timer);
    waiting.detach();
    if (error !== undefined) waiting.reject(error);
    else waiting.resolve(reply!);
  }
}
