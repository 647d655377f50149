import type { StoredEvent } from "../envelope.js";

/**
 * The request-response wire protocol, in `metadata` of the ADR envelope, so a
 * service in any language can take part by reading and inserting rows:
 *
 * - a request is an event whose metadata has `reply_to` (the channel its requester
 *   reads replies on) and `expires_at` (ISO 8601: when the requester stops waiting);
 *   its `event_id` is the request id, the correlation id of the exchange;
 * - a reply is an event on `reply_to` whose metadata has `request_id` (the request's
 *   `event_id`) and `causation_id` (the same); an error reply also has `reply_error: true`.
 */
export const REPLY_METADATA = Object.freeze({
  replyTo: "reply_to",
  expiresAt: "expires_at",
  requestId: "request_id",
  replyError: "reply_error",
} as const);

/** What a responder reads off a request event. */
export interface RequestInfo {
  /** The request's `event_id`. */
  readonly requestId: string;
  /** The channel to reply on, when the request names one. */
  readonly replyTo: string | undefined;
  /** When the requester stops waiting, when the request says. */
  readonly expiresAt: Date | undefined;
}

/** The request-response facts of a request event, or undefined when it has no `event_id` to answer. */
export function requestInfoOf(event: StoredEvent): RequestInfo | undefined {
  const metadata = event.envelope.metadata;
  const requestId = metadata.event_id;
  if (typeof requestId !== "string" || requestId === "") return undefined;
  const replyTo = metadata[REPLY_METADATA.replyTo];
  const expires = metadata[REPLY_METADATA.expiresAt];
  const expiresAt = typeof expires === "string" ? new Date(expires) : undefined;
  return {
    requestId,
    replyTo: typeof replyTo === "string" && replyTo !== "" ? replyTo : undefined,
    expiresAt: expiresAt === undefined || Number.isNaN(expiresAt.getTime()) ? undefined : expiresAt,
  };
}

/** The request id a reply answers, or undefined when the event is not a reply. */
export function requestIdOf(reply: StoredEvent): string | undefined {
  const id = reply.envelope.metadata[REPLY_METADATA.requestId];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** True when a reply is an error reply (`metadata.reply_error` is true). */
export function isErrorReplyEvent(reply: StoredEvent): boolean {
  return reply.envelope.metadata[REPLY_METADATA.replyError] === true;
}
