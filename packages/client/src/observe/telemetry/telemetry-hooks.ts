/**
 * The seam between a client and a telemetry implementation: the runtime calls these hooks only
 * when `telemetry` is configured, and imports nothing of OpenTelemetry itself. The
 * OpenTelemetry implementation is `openTelemetry()` from `@postbus/client/opentelemetry`.
 */
import type { StoredEvent } from "../../envelope.js";
import type { PostbusStatus } from "../../monitor/postbus-status.js";
import type { PublishItem } from "../../publish/publish-item.js";

/**
 * A telemetry implementation, passed to `createPostbus({ telemetry })`. Postbus calls `bind`
 * once per client and then only the returned {@link ClientTelemetry} hooks.
 *
 * @example
 * ```ts
 * import { openTelemetry } from "@postbus/client/opentelemetry";
 * const bus = createPostbus({ db: pool, telemetry: openTelemetry() });
 * ```
 */
export interface PostbusTelemetry {
  /** Binds the telemetry to one client. */
  bind(client: TelemetryClient): ClientTelemetry;
}

/** What a telemetry implementation may ask of the client it is bound to. */
export interface TelemetryClient {
  /** The schema of the client's events table. */
  readonly schema: string;
  /** Reads the client's status (`bus.status()`), e.g. for observable gauges. */
  readonly status: () => Promise<PostbusStatus>;
}

/** The hooks of one client. */
export interface ClientTelemetry {
  /**
   * Around a publish (one event or a batch): returns what `write` returns. `write` must be
   * called with the items to store, which may carry extra metadata (the trace context).
   */
  send(
    items: readonly PublishItem[],
    write: (items: readonly PublishItem[]) => Promise<StoredEvent[]>,
  ): Promise<StoredEvent[]>;
  /** Around a whole request (publish and the wait for its reply). */
  request(eventType: string, channel: string, send: () => Promise<StoredEvent>): Promise<StoredEvent>;
  /** The hooks of one consumer group's subscription (or drain). */
  consumer(group: string): ConsumerTelemetry;
  /** The client is closing: stop background work (observable callbacks). */
  close(): void;
}

/** A handler as the consumer loop calls it. */
export type TracedHandler<Context> = (event: StoredEvent, context: Context) => unknown;

/** The hooks of one consumer group's member. */
export interface ConsumerTelemetry {
  /** Wraps the group's handler: called once per handled event. */
  process<Context>(handler: TracedHandler<Context>): TracedHandler<Context>;
  /**
   * A batch read `events` (at least one); `startedAt` is `Date.now()` before its lease and read.
   * Called before their handlers run.
   */
  received(events: readonly StoredEvent[], startedAt: number): void;
}
