/**
 * Stable, documented error codes. A code never changes meaning once released;
 * match on `error.code`, not on the message.
 */
export type PostbusErrorCode =
  // names (channels, event types, schemas, producers)
  | "POSTBUS_NAME_INVALID"
  | "POSTBUS_NAME_TOO_LONG"
  // payloads that do not survive JSON
  | "POSTBUS_JSON_UNDEFINED"
  | "POSTBUS_JSON_FUNCTION"
  | "POSTBUS_JSON_SYMBOL"
  | "POSTBUS_JSON_BIGINT"
  | "POSTBUS_JSON_NON_FINITE"
  | "POSTBUS_JSON_NOT_PLAIN"
  | "POSTBUS_JSON_CIRCULAR"
  | "POSTBUS_JSON_SPARSE_ARRAY"
  | "POSTBUS_JSON_NUL_CHARACTER"
  | "POSTBUS_JSON_LONE_SURROGATE"
  | "POSTBUS_JSON_FORBIDDEN_KEY"
  | "POSTBUS_JSON_TOO_DEEP"
  | "POSTBUS_JSON_TOO_LARGE"
  // other arguments
  | "POSTBUS_LIMIT_INVALID"
  | "POSTBUS_POSITION_INVALID"
  | "POSTBUS_METADATA_INVALID"
  | "POSTBUS_BATCH_TOO_LARGE"
  | "POSTBUS_OPTIONS_INVALID"
  // command line
  | "POSTBUS_USAGE"
  // postbus check: what to compare against
  | "POSTBUS_CHECK_NOT_A_REPOSITORY"
  | "POSTBUS_CHECK_OUTSIDE_REPOSITORY"
  | "POSTBUS_CHECK_UNKNOWN_REF"
  // contracts
  | "POSTBUS_VALIDATION_FAILED"
  | "POSTBUS_UNKNOWN_EVENT_TYPE"
  | "POSTBUS_UPCAST_FAILED"
  | "POSTBUS_VERSION_UNAVAILABLE"
  | "POSTBUS_DEPRECATED_VERSION"
  // request-response
  | "POSTBUS_REQUEST_TIMEOUT"
  | "POSTBUS_REQUEST_ABORTED"
  | "POSTBUS_REPLY_ERROR"
  | "POSTBUS_REPLY_UNEXPECTED"
  // database and lifecycle
  | "POSTBUS_NOT_MIGRATED"
  | "POSTBUS_MIGRATION_FAILED"
  | "POSTBUS_DATABASE_ERROR"
  | "POSTBUS_COMMIT_UNKNOWN"
  // consumers
  | "POSTBUS_HANDLER_TIMEOUT"
  | "POSTBUS_CLOSED";

/** What an error is about: only the fields that apply are set. */
export interface PostbusErrorSubject {
  /** The event type being published or read. */
  readonly eventType?: string;
  /** The channel being written or read. */
  readonly channel?: string;
  /** The argument or option at fault, e.g. `"channel"`, `"limit"`, `"options.schema"`. */
  readonly field?: string;
  /** JSON pointer inside the payload, e.g. `/data/items/0/price`. */
  readonly pointer?: string;
  /** Index of the event inside a `publishMany` batch. */
  readonly index?: number;
  /** A consumer group, for errors raised on the consuming side. */
  readonly group?: string;
  /** The event's `metadata.event_id` (e.g. of a publish whose commit is unknown). */
  readonly eventId?: string;
  /** The `metadata.event_id`s of a `publishMany` batch, in input order. */
  readonly eventIds?: readonly string[];
  /** The request's `event_id`: its correlation id, which replies carry as `metadata.request_id`. */
  readonly requestId?: string;
  /** A stored event's position (`"<tx>:<id>"`), for errors about one event. */
  readonly position?: string;
  /** An upcaster's file (e.g. `schemas/orders/upcasters/order.placed.v1-to-v2.ts`). */
  readonly upcaster?: string;
}

/** Options accepted by every Postbus error constructor. */
export interface PostbusErrorOptions {
  readonly subject?: PostbusErrorSubject;
  /** What the caller can do about it, in one sentence. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * Base class of every error Postbus throws. Carries a stable `code`, the
 * `subject` it is about and a `hint` a person can act on.
 *
 * @example
 * ```ts
 * try {
 *   await bus.publish("order.placed", payload);
 * } catch (error) {
 *   if (error instanceof PostbusError && error.code === "POSTBUS_VALIDATION_FAILED") {
 *     console.error(error.subject.pointer, error.hint);
 *   }
 * }
 * ```
 */
export class PostbusError extends Error {
  override readonly name: string = "PostbusError";
  /** Stable machine-readable code. */
  readonly code: PostbusErrorCode;
  /** What the error is about. */
  readonly subject: PostbusErrorSubject;
  /** What to do about it. */
  readonly hint: string | undefined;
  /** What went wrong, without the hint (`message` is both). */
  readonly reason: string;

  constructor(code: PostbusErrorCode, message: string, options: PostbusErrorOptions = {}) {
    const hint = options.hint;
    super(
      hint ? `${message}. ${hint}` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.reason = message;
    const subject = { ...options.subject };
    if (subject.eventIds) subject.eventIds = Object.freeze([...subject.eventIds]);
    this.subject = Object.freeze(subject);
    this.hint = hint;
  }
}

/**
 * Bad input rejected before anything touched the database: nothing was written.
 */
export class PostbusInputError extends PostbusError {
  override readonly name: string = "PostbusInputError";
}

/**
 * A failure reported by PostgreSQL or the connection. `sqlstate` is the
 * server's SQLSTATE when there is one; `cause` is the original driver error.
 */
export class PostbusDatabaseError extends PostbusError {
  override readonly name: string = "PostbusDatabaseError";
  /** The SQLSTATE reported by the server, e.g. `"23505"`; undefined for connection errors. */
  readonly sqlstate: string | undefined;

  constructor(
    code: PostbusErrorCode,
    message: string,
    options: PostbusErrorOptions & { readonly sqlstate?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.sqlstate = options.sqlstate;
  }
}

/** True when `error` is a {@link PostbusError} with the given code. */
export function isPostbusError(error: unknown, code?: PostbusErrorCode): error is PostbusError {
  return error instanceof PostbusError && (code === undefined || error.code === code);
}
