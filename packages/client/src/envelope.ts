/**
 * The wire format, exactly as the ADR defines it: the JSON stored in
 * `events.data`. Keys are snake_case because other languages read them.
 */
export interface Envelope<Type extends string = string, Data = unknown> {
  /** The event type, e.g. `"signal.triggered"`. */
  readonly event_type: Type;
  /** When the event was published: ISO 8601 in UTC, e.g. `"2025-05-15T10:30:45.123Z"`. */
  readonly timestamp: string;
  /** The event's payload. */
  readonly data: Data;
  /** Tracing and provenance. Writers outside Postbus may omit it; readers then see `{}`. */
  readonly metadata: EventMetadata;
}

/** Metadata Postbus writes on every event; other keys pass through untouched. */
export interface EventMetadata {
  /** Unique id of this event (UUID v4). Use it to make side effects idempotent. */
  readonly event_id?: string;
  /** Id shared by every event of one business flow; defaults to the first event's `event_id`. */
  readonly correlation_id?: string;
  /** `event_id` of the event that caused this one, or null for a flow's first event. */
  readonly causation_id?: string | null;
  /** Name of the publishing service or slice, or null when not configured. */
  readonly producer?: string | null;
  /** The event's key: a partitioned consumer group keeps the order of the events of one key. */
  readonly partition_key?: string;
  readonly [key: string]: unknown;
}

/**
 * One row of the `events` table as Postbus returns it.
 *
 * @example
 * ```ts
 * const [latest] = await bus.getLatestEvents("signal.triggered", { limit: 1 });
 * console.log(latest?.id, latest?.type, latest?.data, latest?.envelope.metadata.event_id);
 * ```
 */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  /** `events.id`. */
  readonly id: number;
  /** `events.channel`. */
  readonly channel: string;
  /** Where the event sits in delivery order: `"<tx>:<id>"`; pass it as `after` to read on from here. */
  readonly position: string;
  /** `events.created_at`, read in the session's time zone as PostgreSQL's `NOW()` wrote it. */
  readonly createdAt: Date;
  /** The stored envelope (`events.data`). */
  readonly envelope: Envelope<Type, Data>;
  /** Shortcut for `envelope.event_type`; the discriminant of typed unions. */
  readonly type: Type;
  /** Shortcut for `envelope.data`. */
  readonly data: Data;
}
