import type { StoredEvent } from "@postbus/client";

/**
 * One event as a JSON line, shaped like the ADR's row: `data` is the stored
 * envelope, so `jq .data.event_type` works on every command's output.
 */
export function eventLine(event: StoredEvent): string {
  return JSON.stringify({
    id: event.id,
    channel: event.channel,
    position: event.position,
    created_at: event.createdAt.toISOString(),
    data: event.envelope,
  });
}
