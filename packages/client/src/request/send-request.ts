import { randomUUID } from "node:crypto";
import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import type { Publisher } from "../publish/publisher.js";
import { checkIntegerOption } from "../validate/check-integer.js";
import { checkEventName } from "../validate/check-name.js";
import { REPLY_METADATA } from "./reply-protocol.js";
import type { ReplyWaiter } from "./reply-waiter.js";
import type { RequestOptions } from "./request-options.js";

/** Longest request timeout: one day. */
export const MAX_REQUEST_TIMEOUT_MS = 86_400_000;
/** Default request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Publishes a request (committed on its own, so responders can see it) and
 * resolves with its reply. The wait starts before the publish, and a failed
 * publish rejects with its own error: nothing waits for a request that was
 * never written. The timeout counts from the call, publish included.
 */
export async function sendRequest(
  executor: Executor,
  publisher: Publisher,
  waiter: ReplyWaiter,
  requestType: string,
  data: unknown,
  options: RequestOptions,
): Promise<StoredEvent> {
  if (typeof options !== "object" || options === null)
    throw invalid("options", "Request options must be an object");
  if ("tx" in options) {
    throw invalid(
      "tx",
      "request() cannot run in the caller's transaction: responders see the request only after it commits",
    );
  }
  const type = checkEventName(requestType, "event type", { field: "eventType" });
  const timeoutMs = checkIntegerOption(options.timeoutMs, {
    fallback: DEFAULT_REQUEST_TIMEOUT_MS,
    field: "timeoutMs",
    min: 1,
    max: MAX_REQUEST_TIMEOUT_MS,
    hint: "Fix the timeoutMs option of request(); nothing was written",
  });
  const replyTo = checkEventName(options.replyTo ?? options.channel ?? type, "channel", { field: "replyTo" });
  const extra = options.metadata ?? {};
  const requestId = typeof extra.event_id === "string" ? extra.event_id : randomUUID();
  if (options.signal?.aborted) throw invalid("signal", "The request's signal is already aborted");
  const { timeoutMs: _t, replyTo: _r, signal, ...eventOptions } = options;

  const reply = waiter.wait(requestId, type, replyTo, timeoutMs, signal);
  reply.catch(() => {}); // observed below; a failed publish must not leave an unhandled rejection
  const published = publisher
    .write(executor, [
      {
        ...eventOptions,
        type,
        data,
        // Each request its own key unless the caller gave one: a partitioned responder group
        // answers requests concurrently.
        partitionKey:
          eventOptions.partitionKey ?? (typeof extra.partition_key === "string" ? undefined : requestId),
        metadata: {
          ...extra,
          event_id: requestId,
          [REPLY_METADATA.replyTo]: replyTo,
          [REPLY_METADATA.expiresAt]: new Date(Date.now() + timeoutMs).toISOString(),
        },
      },
    ])
    .catch((error: unknown) => {
      waiter.cancel(requestId, error);
      throw error;
    });
  published.catch(() => {});
  // The deadline holds even while the publish waits for a connection: whichever settles first.
  await Promise.race([published, reply]);
  return reply;
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: `Fix the ${field} option of request(); nothing was written`,
  });
}
