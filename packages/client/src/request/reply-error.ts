import type { StoredEvent } from "../envelope.js";
import { PostbusError } from "../errors/postbus-error.js";

/**
 * A request answered with an error reply: the responder returned
 * `context.replyError(data)`. `reply` is the stored error reply event (for
 * generated contracts, of the request's `errorResponse` type).
 *
 * @example
 * ```ts
 * try {
 *   const reply = await bus.request("risk.check.requested", check, { timeoutMs: 2_000 });
 * } catch (error) {
 *   if (error instanceof PostbusReplyError) console.log(error.reply.type, error.reply.data);
 * }
 * ```
 */
export class PostbusReplyError<Reply extends StoredEvent = StoredEvent> extends PostbusError {
  override readonly name: string = "PostbusReplyError";
  /** The error reply as stored. */
  readonly reply: Reply;
  /** The request's `event_id`. */
  readonly requestId: string;
  /** The request's event type. */
  readonly requestType: string;

  constructor(requestType: string, requestId: string, reply: Reply) {
    const data = reply.data as { readonly message?: unknown } | null;
    const detail = typeof data?.message === "string" ? `: ${data.message}` : "";
    super(
      "POSTBUS_REPLY_ERROR",
      `The "${requestType}" request ${requestId} got the error reply "${reply.type}"${detail}`,
      {
        subject: { eventType: requestType, requestId, channel: reply.channel },
        hint: "Read error.reply.data for what the responder reported",
      },
    );
    this.reply = reply;
    this.requestId = requestId;
    this.requestType = requestType;
  }
}
