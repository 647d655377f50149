import type { StoredEvent } from "../envelope.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";

/**
 * A stored event that fails its contract on the way out, described as what it is: an event
 * already in the table (often written long ago, or by another program) that the group could not
 * hand to its handler — not a publish that was refused, so "nothing was written" does not apply.
 * Keeps the code, the subject (pointer, event type) and the cause of the validation error.
 */
export function storedEventRejected(error: unknown, event: StoredEvent): unknown {
  if (!(error instanceof PostbusError)) return error;
  const unknownType = error.code === "POSTBUS_UNKNOWN_EVENT_TYPE";
  const reason = unknownType
    ? `Stored event ${event.position} (channel "${event.channel}") has type "${event.type}", which has no contract here`
    : `Stored event ${event.position} (channel "${event.channel}") fails its contract: ${error.reason.replace(/^Payload of /, "payload of ")}`;
  return new PostbusInputError(error.code, reason, {
    subject: { ...error.subject, channel: event.channel },
    cause: error,
    hint: unknownType
      ? "It was not handed to the handler; add its contract (or allow unknown event types, or filter with eventTypes) and redrive the dead letter"
      : "It was not handed to the handler; the event stays in the table as written. Fix its producer, or widen the contract (a new version), then redrive the dead letter",
  });
}
