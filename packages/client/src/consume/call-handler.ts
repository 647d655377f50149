import type { StoredEvent } from "../envelope.js";
import { PostbusError } from "../errors/postbus-error.js";
import type { ConsumerConfig, ConsumerContext } from "./consumer-options.js";

/**
 * Calls the group's handler with a deadline: a call that takes longer than `handlerTimeoutMs`
 * rejects with `POSTBUS_HANDLER_TIMEOUT` (the batch books it like a throw) and `expire()` is
 * called first, so the caller can refuse the statements the abandoned call still sends.
 */
export async function callHandler(
  config: Pick<ConsumerConfig, "group" | "handler" | "handlerTimeoutMs">,
  event: StoredEvent,
  context: ConsumerContext,
  expire: () => void,
): Promise<void> {
  // A handler that returns no promise has finished (a throw rejects this call): no deadline to
  // watch, and no timer per event on the hot path of a synchronous handler.
  const result: unknown = config.handler(event, context);
  if (!isThenable(result)) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expire();
      reject(handlerTimeout(config.group, event, config.handlerTimeoutMs));
    }, config.handlerTimeoutMs);
  });
  try {
    await Promise.race([result, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error of a handler call that ran out of time, and of its statements sent afterwards. */
export function handlerTimeout(group: string, event: StoredEvent, ms: number): PostbusError {
  return new PostbusError(
    "POSTBUS_HANDLER_TIMEOUT",
    `The handler of consumer group "${group}" took longer than ${ms} ms for event ${event.id} (${event.type})`,
    {
      subject: { group, eventType: event.type, channel: event.channel },
      hint: "Make the handler faster, or raise handlerTimeoutMs (and batchTimeoutMs, which must stay above twice it)",
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
