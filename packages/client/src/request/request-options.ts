import type { ConsumerContext, SubscribeOptions } from "../consume/consumer-options.js";
import type { StoredEvent } from "../envelope.js";
import type { EventOptions } from "../publish/prepare-event.js";

/** Options of `request`. */
export interface RequestOptions extends EventOptions {
  /** How long to wait for the reply, in ms (1…86,400,000). Default 30,000. */
  readonly timeoutMs?: number;
  /**
   * The channel replies are read on, written to the request as `metadata.reply_to`.
   * Untyped default: the request's channel. Typed clients use the reply type's channel.
   */
  readonly replyTo?: string;
  /** Stops waiting (rejects with `POSTBUS_REQUEST_ABORTED`); the request stays in the table. */
  readonly signal?: AbortSignal;
}

/** What a responder returns to send an error reply; made by `context.replyError(data)`. */
export interface ErrorReply<Data = unknown> {
  readonly [ERROR_REPLY]: true;
  /** The error reply's payload. */
  readonly data: Data;
}

/** Marks {@link ErrorReply} values. */
export const ERROR_REPLY: unique symbol = Symbol.for("postbus.errorReply");

/** Makes an {@link ErrorReply}. */
export function errorReply<Data>(data: Data): ErrorReply<Data> {
  return Object.freeze({ [ERROR_REPLY]: true as const, data });
}

/** True when a responder's result is an {@link ErrorReply}. */
export function isErrorReply(value: unknown): value is ErrorReply {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [ERROR_REPLY]?: unknown })[ERROR_REPLY] === true
  );
}

/** What a responder's handler gets besides the request. */
export interface ResponderContext<ErrorData = unknown> extends ConsumerContext {
  /** The request's `event_id`: what its reply carries as `metadata.request_id`. */
  readonly requestId: string;
  /** When the requester stops waiting, if the request says. */
  readonly expiresAt: Date | undefined;
  /** Returns an error reply; `return context.replyError({...})` answers the request with it. */
  replyError(data: ErrorData): ErrorReply<ErrorData>;
}

/** Options of `respond`. The responders of one group share the requests: each is answered once. */
export interface RespondOptions extends Omit<SubscribeOptions, "group" | "channels" | "handler"> {
  /** The request event type answered. */
  readonly requestType: string;
  /** The event type of a reply. */
  readonly responseType: string;
  /** The event type of an error reply; needed to return `context.replyError(...)`. */
  readonly errorResponseType?: string;
  /** Consumer group of the responders. Default `"<requestType>.responders"` (when that fits 50 bytes). */
  readonly group?: string;
  /** The channel requests are read from. Default: the request type, as the ADR names channels. */
  readonly channel?: string;
  /** Where to reply when a request names no `reply_to`. Default: the request's channel. */
  readonly replyChannel?: string;
  /**
   * What to do with a request whose requester has stopped waiting (`expires_at` passed):
   * `"skip"` it (default; `postbus status` counts it as expired) or `"answer"` it anyway.
   */
  readonly expired?: "skip" | "answer";
  /**
   * Answers one request: return the reply's payload, or `context.replyError(data)`.
   * Runs in the batch's transaction: the reply commits with its writes and the group's cursor.
   * Throwing retries the request (`maxAttempts`, default 3 for responders, 100 ms apart and
   * doubling), then dead-letters it; its requester times out. Requests are answered in order, so
   * others wait while one is retried: return `replyError` for failures the requester should hear of.
   */
  readonly handler: (request: StoredEvent, context: ResponderContext) => unknown;
}
