import type { Database } from "../driver/to-executor.js";
import type { PostbusLogger } from "../log/logger.js";
import type { PostbusTelemetry } from "../observe/telemetry/telemetry-hooks.js";
import type { LateReply } from "../request/late-reply.js";
import type { JsonLimits } from "../validate/check-json.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import type { UnknownEventTypePolicy } from "../validate/validate-payload.js";
import type { WakeListenerOptions } from "../wake/listener.js";

/** How readers are woken when events commit. */
export type WakeupMode =
  /**
   * Default: Postbus sends one coalesced NOTIFY after commit, so overlapping publishing transactions
   * pay no notify lock; a write that commits on its own while nothing else is in flight carries
   * the NOTIFY in its own statement (delivered at its commit, a round trip sooner).
   */
  | "after-commit"
  /** Every publishing statement notifies inside its transaction (exact, but serializes commits). */
  | "in-transaction"
  /** No wake-ups from Postbus's publishers: readers find events by polling. */
  | "off";

/** Options of {@link createPostbus}. */
export interface PostbusOptions {
  /** Where events live: a `pg.Pool` (recommended), an {@link Executor}, or a `pg` client used outside transactions. */
  readonly db: Database;
  /** Schema of the events table. Default `public`, as in the ADR. */
  readonly schema?: string;
  /** Name of this service or slice, written to `metadata.producer`. */
  readonly producer?: string;
  /** Event type → validator (any Standard Schema, e.g. zod). Payloads are validated before anything is written. */
  readonly validators?: ValidatorRegistry;
  /** What to do with an event type that has no validator when `validators` is given. Default `"allow"`. */
  readonly unknownEventTypes?: UnknownEventTypePolicy;
  /** Wake-up strategy. Default `"after-commit"`. */
  readonly wakeups?: WakeupMode;
  /**
   * With `wakeups: "after-commit"`: the least time between two wake-ups this client sends, in ms.
   * The first commit after a quiet spell is announced at once (an idle reader is woken without
   * delay); commits within the interval after it share the next wake-up, sent when the interval
   * ends. Raising it trades at most that much latency in other processes for fewer NOTIFY
   * transactions when one publisher commits back to back. Readers in this process are told at
   * once either way. Default 0: the next wake-up goes out as soon as the previous one is answered.
   */
  readonly wakeupIntervalMs?: number;
  /** Payload limits. Default: depth 64, 1 MiB per envelope. */
  readonly limits?: Partial<JsonLimits>;
  /**
   * How subscriptions hear about new events across processes: one LISTEN connection per pool,
   * shared by every subscription of the process. `false` polls only. Default: on, with the
   * listener's defaults (heartbeat every 5 s, dead after 5 s more).
   */
  readonly listen?: boolean | WakeListenerOptions;
  /**
   * Where Postbus reports what it recovers from by itself: an idle pool client that lost its
   * connection (a server restart), … A pino-compatible logger (`{ debug, info, warn, error }`,
   * each called as `(fields, message)`). Default: warnings and errors on the console.
   */
  readonly logger?: PostbusLogger;
  /** Called with errors of background work (wake-ups); never thrown into a publish. Default: one process warning. */
  readonly onBackgroundError?: (error: unknown) => void;
  /** How `request` waits for replies. */
  readonly requests?: RequesterOptions;
  /**
   * Prepare Postbus's own frequent statements once per connection (named statements), so
   * PostgreSQL parses and plans them once. Default true. Turn it off behind a pooler that does
   * not support prepared statements (PgBouncer before 1.21 in transaction mode).
   */
  readonly preparedStatements?: boolean;
  /**
   * Traces and metrics (see docs/telemetry.md): `openTelemetry()` from
   * `@postbus/client/opentelemetry`. Default: none, and no telemetry work on any path.
   */
  readonly telemetry?: PostbusTelemetry;
}

/** How a client waits for the replies to its requests. */
export interface RequesterOptions {
  /** Looks for replies this often while requests wait, in case a wake-up is lost, in ms. Default 500. */
  readonly pollIntervalMs?: number;
  /** How long after a timeout a reply is still watched for, in ms. Default 60,000; 0 turns it off. */
  readonly lateReplyWindowMs?: number;
  /**
   * Told of a reply found after its request timed out (the reply is in the table either way).
   * Default: a process warning per late reply, naming the request type, request id and delay.
   */
  readonly onLateReply?: (late: LateReply) => void;
}
