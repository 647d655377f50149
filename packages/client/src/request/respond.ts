import type { SubscribeOptions } from "../consume/consumer-options.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { checkEventName, MAX_NAME_BYTES } from "../validate/check-name.js";
import { REPLY_METADATA, requestInfoOf } from "./reply-protocol.js";
import { errorReply, isErrorReply, type ResponderContext, type RespondOptions } from "./request-options.js";

/**
 * Where a reply of `replyType` goes: typed clients put it on the type's contract
 * channel; untyped ones on the request's `reply_to`, else on `fallback`.
 */
export type ReplyChannelOf = (replyType: string, replyTo: string | undefined, fallback: string) => string;

/** Which channels replies are written to and read from: the typed client routes by its contracts. */
export interface ReplyRouting {
  /** The channel a responder writes a reply of `replyType` to. */
  readonly replyChannel: ReplyChannelOf;
  /** The channels a requester reads the replies to a `requestType` request on. */
  readonly waitChannels: (requestType: string, replyTo: string) => readonly string[];
}

/** Untyped routing: replies go to, and are read from, the request's `reply_to` channel. */
export const REPLY_TO_ROUTING: ReplyRouting = Object.freeze({
  replyChannel: (_replyType: string, replyTo: string | undefined, fallback: string) => replyTo ?? fallback,
  waitChannels: (_requestType: string, replyTo: string) => [replyTo],
});

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
    ...subscribe,
    group,
    channels: [channel],
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
