import type { SubscribeOptions } from "../consume/consumer-options.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { checkEventName, MAX_NAME_BYTES } from "../validate/check-name.js";
import { REPLY_METADATA, requestInfoOf } from "./reply-protocol.js";
import { errorReply, isErrorReply, type ResponderContext, type RespondOptions } from "./request-options.js";

/**
 * Where a reply of `replyType` goes: the request's `reply_to` when it names one, else
 * (typed clients) the reply type's contract channel, else `fallback`.
 */
export type ReplyChannelOf = (replyType: string, replyTo: string | undefined, fallback: string) => string;

/** The wire protocol's rule: a reply goes to the request's `reply_to`, else to `fallback`. */
export const replyToChannel: ReplyChannelOf = (_replyType, replyTo, fallback) => replyTo ?? fallback;

/**
 * The consumer group behind a responder: it reads the request channel, skips
 * other event types (and, by default, requests whose requester stopped
 * waiting), runs the handler in the batch's transaction and publishes its result
 * as the reply in that same transaction, so the reply, the handler's writes and
 * the group's cursor commit together. Requests are answered once per group; a
 * responder that dies mid-batch leaves the batch to the group's next member.
 */
export function responderSubscription(
  options: RespondOptions,
  replyChannelOf: ReplyChannelOf,
): SubscribeOptions {
  if (typeof options !== "object" || options === null)
    throw invalid("options", "respond expects an options object");
  const requestType = checkEventName(options.requestType, "event type", { field: "requestType" });
  const responseType = checkEventName(options.responseType, "event type", { field: "responseType" });
  const errorResponseType =
    options.errorResponseType === undefined
      ? undefined
      : checkEventName(options.errorResponseType, "event type", { field: "errorResponseType" });
  const channel = checkEventName(options.channel ?? requestType, "channel", { field: "channel" });
  const fallback = checkEventName(options.replyChannel ?? channel, "channel", { field: "replyChannel" });
  const group = options.group ?? defaultGroup(requestType);
  if (typeof options.handler !== "function") throw invalid("handler", "handler must be a function");
  if (options.expired !== undefined && options.expired !== "skip" && options.expired !== "answer") {
    throw invalid("expired", 'expired must be "skip" or "answer"');
  }
  const answerExpired = options.expired === "answer";
  const { handler } = options;
  const {
    requestType: _r,
    responseType: _s,
    errorResponseType: _e,
    channel: _c,
    replyChannel: _f,
    expired: _x,
    ...subscribe
  } = options;

  return {
    maxAttempts: RESPONDER_MAX_ATTEMPTS,
    retryDelayMs: responderRetryDelay,
    ...subscribe,
    group,
    channels: [channel],
    // Replies and other events on the channel are passed over unread: one of them that breaks
    // its contract cannot hold the group's requests back.
    eventTypes: [requestType],
    handler: async (event, context) => {
      if (event.type !== requestType) return;
      const request = requestInfoOf(event);
      if (request === undefined) {
        throw new PostbusError(
          "POSTBUS_METADATA_INVALID",
          `The "${requestType}" event ${event.id} has no metadata.event_id to reply to`,
          {
            subject: {
              eventType: requestType,
              channel: event.channel,
              field: "metadata",
              pointer: "/metadata/event_id",
            },
            hint: "Requests must carry metadata.event_id (a UUID); publish them with request()",
          },
        );
      }
      if (!answerExpired && request.expiresAt !== undefined && request.expiresAt.getTime() < Date.now())
        return;
      const responderContext: ResponderContext = {
        ...context,
        requestId: request.requestId,
        expiresAt: request.expiresAt,
        replyError: (data) => errorReply(data),
      };
      const result = await handler(event, responderContext);
      const failed = isErrorReply(result);
      if (failed && errorResponseType === undefined) {
        throw new PostbusInputError(
          "POSTBUS_OPTIONS_INVALID",
          `The responder of "${requestType}" returned an error reply, but no errorResponseType is declared`,
          {
            subject: { eventType: requestType, group, field: "errorResponseType" },
            hint: 'Declare "errorResponse" in the request\'s x-postbus block (or pass errorResponseType to respond())',
          },
        );
      }
      const replyType = failed ? errorResponseType! : responseType;
      await context.tx.publish(replyType, failed ? result.data : result, {
        channel: replyChannelOf(replyType, request.replyTo, fallback),
        causedBy: event,
        metadata: {
          [REPLY_METADATA.requestId]: request.requestId,
          ...(failed ? { [REPLY_METADATA.replyError]: true } : {}),
        },
      });
    },
  };
}

/**
 * A responder's default attempts. Requests of a group are answered in order, so a failing one
 * holds the others back while it is retried: responders fail fast (about 0.3 s in all) and
 * dead-letter, where other consumer groups default to 5 attempts over 7.5 s.
 */
export const RESPONDER_MAX_ATTEMPTS = 3;

/** A responder's default retry delays: 100 ms, 200 ms, … at most 1 s. */
export const responderRetryDelay = (attempt: number): number => Math.min(100 * 2 ** (attempt - 1), 1_000);

/** How far past `expires_at` (by the responder's clock) a request is still answered: clock skew. */
export const EXPIRY_GRACE_MS = 1_000;

function defaultGroup(requestType: string): string {
  const group = `${requestType}.responders`;
  if (Buffer.byteLength(group) > MAX_NAME_BYTES) {
    throw invalid("group", `the default group "${group}" is longer than ${MAX_NAME_BYTES} bytes`);
  }
  return group;
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: `Fix the ${field} option of respond()`,
  });
}
