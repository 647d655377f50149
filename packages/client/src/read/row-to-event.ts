import type { Envelope, EventMetadata, StoredEvent } from "../envelope.js";
import type { EventRow } from "../sql/select-latest-events.js";

/**
 * Turns a row into a {@link StoredEvent}. Rows written by other programs are
 * read leniently: a missing `metadata` reads as `{}`, a missing `timestamp` as
 * `created_at`; a `data` value that is not an envelope at all (no string
 * `event_type`) is read as the payload of an event whose type is the channel.
 */
export function rowToEvent(row: EventRow): StoredEvent {
  const createdAt = new Date(row.created_ms);
  const envelope = toEnvelope(row, createdAt);
  return {
    id: row.id,
    channel: row.channel,
    position: `${row.tx_text}:${row.id}`,
    createdAt,
    envelope,
    type: envelope.event_type,
    data: envelope.data,
  };
}

function toEnvelope(row: EventRow, createdAt: Date): Envelope {
  const stored = row.data;
  if (isRecord(stored) && typeof stored.event_type === "string") {
    if (typeof stored.timestamp === "string" && isRecord(stored.metadata) && "data" in stored) {
      return stored as unknown as Envelope;
    }
    return {
      ...stored,
      event_type: stored.event_type,
      timestamp: typeof stored.timestamp === "string" ? stored.timestamp : createdAt.toISOString(),
      data: "data" in stored ? stored.data : null,
      metadata: isRecord(stored.metadata) ? (stored.metadata as EventMetadata) : {},
    };
  }
  return { event_type: row.channel, timestamp: createdAt.toISOString(), data: stored, metadata: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
