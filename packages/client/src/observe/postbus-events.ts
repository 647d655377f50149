/**
 * The typed events a client and a subscription report (`bus.on`, `subscription.on`): what went
 * wrong with delivery and what Postbus recovered from, for alerts, metrics and logs. The names
 * follow graphile-worker's `WorkerEvents` (`noun:verb`).
 */
import type { StoredEvent } from "../envelope.js";

/** Which event of the table an observation is about. */
export interface EventRef {
  /** The consumer group. */
  readonly group: string;
  /** The event as read from the table. */
  readonly event: StoredEvent;
  /** `event.type`, for logs. */
  readonly eventType: string;
  /** `event.position`, `"<tx>:<id>"`. */
  readonly position: string;
}

/** `event:failed`: a handler attempt failed and the event will be tried again. */
export interface EventFailed extends EventRef {
  /** The attempt that failed (1 on the first). */
  readonly attempt: number;
  /** Attempts allowed before the event is dead-lettered. */
  readonly maxAttempts: number;
  /** The error, as stored in the group's row (credentials removed). */
  readonly error: string;
  /** The thrown value itself. */
  readonly cause: unknown;
  /** When the group tries it again (the retry delay from now, on this process's clock). */
  readonly retryAt: Date;
}

/** `event:dead-lettered`: the group gave up on an event (or on a redrive of it) and moved past it. */
export interface EventDeadLettered extends EventRef {
  /** Attempts made in all. */
  readonly attempts: number;
  /** The last error, as stored in the dead letter. */
  readonly error: string;
  /** The thrown value itself. */
  readonly cause: unknown;
  /** True when it was a redrive of a dead letter that failed again. */
  readonly redrive: boolean;
}

/** `event:redriven`: a dead letter was handled on redrive. */
export interface EventRedriven extends EventRef {
  /** The dead letter's id. */
  readonly deadLetterId: string;
}

/** The backend whose transaction holds the read horizon. */
export interface BlockingBackend {
  /** `pg_stat_activity.pid`; `pg_terminate_backend(pid)` ends it. */
  readonly pid: number;
  /** The database it is connected to: often not this one, the horizon is server-wide. */
  readonly database: string | null;
  readonly applicationName: string | null;
  /** `"idle in transaction"` is the usual culprit. */
  readonly state: string | null;
  /** How long its transaction has been open, in seconds. */
  readonly ageSeconds: number;
  /** Its current or last statement, first 200 characters (null without the privilege to see it). */
  readonly query: string | null;
}

/** `delivery:stalled`: committed events wait behind a transaction that is still running. */
export interface DeliveryStalled {
  readonly group: string;
  /** The group's channels with deliverable-looking events held back. */
  readonly channels: readonly string[];
  /** How long it has been seen stalled, in ms (at least the blocker's age). */
  readonly stalledMs: number;
  /** Who holds it, or null when no backend shows it (a prepared transaction). */
  readonly blocking: BlockingBackend | null;
}

/** `listener:lost`: the LISTEN connection was lost; wake-ups come by polling until it is back. */
export interface ListenerLost {
  readonly error: string;
}

/** `listener:regained`: LISTEN works again after a loss. */
export interface ListenerRegained {
  /** How long it was down, in ms. */
  readonly downMs: number;
}

/** `pooler:detected`: LISTEN cannot work here (a transaction-mode pooler, or refused): polling only. */
export interface PoolerDetected {
  readonly reason: string;
}

/** What a subscription reports, by event name. */
export interface SubscriptionEventMap {
  "event:failed": EventFailed;
  "event:dead-lettered": EventDeadLettered;
  "event:redriven": EventRedriven;
  "delivery:stalled": DeliveryStalled;
}

/** What a client reports: its subscriptions' events, and its listener's. */
export interface PostbusEventMap extends SubscriptionEventMap {
  "listener:lost": ListenerLost;
  "listener:regained": ListenerRegained;
  "pooler:detected": PoolerDetected;
}

/** A listener of event `Name`. */
export type PostbusEventListener<
  Map extends SubscriptionEventMap = PostbusEventMap,
  Name extends keyof Map = keyof Map,
> = (payload: Map[Name]) => void;

/** Every event name a subscription reports. */
export const SUBSCRIPTION_EVENTS: readonly (keyof SubscriptionEventMap)[] = Object.freeze([
  "event:failed",
  "event:dead-lettered",
  "event:redriven",
  "delivery:stalled",
]);

/** Every event name a client reports. */
export const POSTBUS_EVENTS: readonly (keyof PostbusEventMap)[] = Object.freeze([
  ...SUBSCRIPTION_EVENTS,
  "listener:lost",
  "listener:regained",
  "pooler:detected",
]);
