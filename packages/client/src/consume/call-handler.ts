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
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expire();
      reject(handlerTimeout(config.group, event, config.handlerTimeoutMs));
    }, config.handlerTimeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => config.handler(event, context)), deadline]);
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
