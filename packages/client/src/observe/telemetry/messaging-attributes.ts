/**
 * The OpenTelemetry messaging semantic-convention names Postbus reports under, in one place.
 * `messaging.system` is `postbus`: the convention names the messaging protocol as the client
 * sees it (Kafka clients say `kafka` whatever the broker); Postbus's envelope, channels and
 * consumer groups are its own protocol, and PostgreSQL shows up as `db.system` on the `pg`
 * driver's spans when that driver is instrumented.
 */

/** `messaging.system` of every span and metric. */
export const MESSAGING_SYSTEM = "postbus";

/** Attribute names (semantic conventions, messaging). */
export const ATTR = {
  system: "messaging.system",
  operationName: "messaging.operation.name",
  operationType: "messaging.operation.type",
  destination: "messaging.destination.name",
  consumerGroup: "messaging.consumer.group.name",
  messageId: "messaging.message.id",
  conversationId: "messaging.message.conversation_id",
  batchCount: "messaging.batch.message_count",
  errorType: "error.type",
  /** Postbus's own: the event type (a channel may carry several). */
  eventType: "postbus.event_type",
  /** Postbus's own: the stored position `"<tx>:<id>"` of a single event. */
  position: "postbus.position",
  /** Postbus's own: on links, what the linked context is (`creation`, `receive`, `reply`). */
  link: "postbus.link",
} as const;

/** Metric names: the semantic conventions' three, then Postbus's gauges. */
export const METRIC = {
  sent: "messaging.client.sent.messages",
  consumed: "messaging.client.consumed.messages",
  processDuration: "messaging.process.duration",
  lagEvents: "postbus.consumer.lag",
  lagSeconds: "postbus.consumer.lag.duration",
  deadLetters: "postbus.consumer.dead_letters",
} as const;

/** `error.type` of a failure: a Postbus error's code, else the error's class name. */
export function errorType(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === "string" && name !== "") return name;
  }
  return "_OTHER";
}
