/**
 * Tells the subscription's listeners and the logger what became of a failed event: one
 * `event:failed` per attempt that will be retried, one `event:dead-lettered` (and one logger
 * warning) per dead letter.
 */
import type { StoredEvent } from "../envelope.js";
import type { PostbusLogger } from "../log/logger.js";
import type { EventHub } from "./event-hub.js";
import type { SubscriptionEventMap } from "./postbus-events.js";

/** A failed attempt as booked in the database. */
export interface BookedFailure {
  readonly kind: "retry-later" | "dead-lettered";
  readonly attempts: number;
  readonly retryInMs?: number;
  readonly error: string;
  readonly cause: unknown;
}

/** What the reports need. */
export interface FailureReportDeps {
  readonly events: EventHub<SubscriptionEventMap>;
  readonly logger: PostbusLogger;
  readonly config: { readonly group: string; readonly maxAttempts: number };
}

/** Emits `event:failed` or `event:dead-lettered` for a booked failure; warns once per dead letter. */
export function reportFailure(
  deps: FailureReportDeps,
  event: StoredEvent,
  failure: BookedFailure,
  redrive = false,
): void {
  const ref = { group: deps.config.group, event, eventType: event.type, position: event.position };
  if (failure.kind === "retry-later") {
    deps.events.emit("event:failed", {
      ...ref,
      attempt: failure.attempts,
      maxAttempts: deps.config.maxAttempts,
      error: failure.error,
      cause: failure.cause,
      retryAt: new Date(Date.now() + (failure.retryInMs ?? 0)),
    });
    return;
  }
  deps.events.emit("event:dead-lettered", {
    ...ref,
    attempts: failure.attempts,
    error: failure.error,
    cause: failure.cause,
    redrive,
  });
  deps.logger.warn(
    {
      group: ref.group,
      eventType: ref.eventType,
      channel: event.channel,
      eventId: event.id,
      position: ref.position,
      attempts: failure.attempts,
      error: failure.error,
    },
    `consumer group "${ref.group}" dead-lettered ${ref.eventType} at ${ref.position} after ${failure.attempts} attempt${failure.attempts === 1 ? "" : "s"}${redrive ? " (a redrive failed again)" : ""}: ${failure.error} (see postbus dlq list; postbus dlq redrive ${ref.group} once fixed)`,
  );
}
