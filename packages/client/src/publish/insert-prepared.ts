import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusDatabaseError } from "../errors/postbus-error.js";
import { formatPosition } from "../read/position.js";
import { rowToEvent } from "../read/row-to-event.js";
import type { InsertedRow, InsertStatements } from "../sql/insert-events.js";
import type { EventRow } from "../sql/select-latest-events.js";
import { wakePayload } from "../wake/wake-channel.js";
import type { PreparedEvent } from "./prepare-event.js";

/**
 * How readers get woken for a write: Postbus notifies after commit (or nobody does), or the
 * statement itself notifies inside the writing transaction, on the wake channel given.
 */
export type NotifyMode = "after-commit" | { readonly inTransaction: string };

/** How many times the stored twin of a skipped event is looked for (it may commit a moment later). */
const LOOKUP_ATTEMPTS = 3;

/**
 * Writes prepared events in one statement and returns them as stored, in input order. All or
 * nothing: the statement either inserts every new row or none. An event whose
 * `metadata.event_id` is already stored is not written again: the stored one is returned.
 */
export async function insertPrepared(
  executor: Executor,
  statements: InsertStatements,
  events: readonly PreparedEvent[],
  notify: NotifyMode,
  prepared = false,
): Promise<StoredEvent[]> {
  const waking = notify !== "after-commit";
  let text: string;
  let values: unknown[];
  if (events.length === 1) {
    const event = events[0]!;
    text = waking ? statements.oneWaking : statements.one;
    values = [event.channel, event.json, event.envelope.metadata.event_id];
  } else {
    text = waking ? statements.manyWaking : statements.many;
    values = [
      events.map((event) => event.channel),
      `[${events.map((event) => event.json).join(",")}]`,
      events.map((event) => event.envelope.metadata.event_id),
    ];
  }
  if (waking) values.push(notify.inTransaction, wakePayload(events.map((event) => event.channel)));
  const { rows } = await executor.query<InsertedRow>(text, values, prepared ? PREPARED : UNPREPARED);
  if (events.length === 1 && rows.length === 1) return [storedEvent(events[0]!, rows[0]!)];
  const inserted = new Map(rows.map((row) => [row.event_id_text, row]));
  const skipped = events.filter((event) => !inserted.has(eventIdOf(event)));
  const existing = skipped.length === 0 ? new Map() : await storedTwins(executor, statements, skipped);
  return events.map((event) => {
    const id = eventIdOf(event);
    const row = inserted.get(id);
    return row === undefined ? existing.get(id)! : storedEvent(event, row);
  });
}

const PREPARED = Object.freeze({ prepared: true });
const UNPREPARED = Object.freeze({ prepared: false });

/** The event as stored: what was prepared, with the row's id, position and time. */
function storedEvent(event: PreparedEvent, row: InsertedRow): StoredEvent {
  return {
    id: row.id,
    channel: event.channel,
    position: formatPosition({ tx: row.tx_text, id: row.id }),
    createdAt: new Date(row.created_ms),
    envelope: event.envelope,
    type: event.envelope.event_type,
    data: event.envelope.data,
  };
}

/** The envelope's event id in PostgreSQL's text form of a uuid. */
function eventIdOf(event: PreparedEvent): string {
  return String(event.envelope.metadata.event_id).toLowerCase();
}

/**
 * The stored events with the skipped events' ids. A row inserted by a transaction that
 * committed while the insert waited on it is visible to the next statement only, hence a
 * statement of its own, and a short retry for one that is not visible yet.
 */
async function storedTwins(
  executor: Executor,
  statements: InsertStatements,
  skipped: readonly PreparedEvent[],
): Promise<Map<string, StoredEvent>> {
  const ids = skipped.map(eventIdOf);
  for (let attempt = 1; ; attempt++) {
    const { rows } = await executor.query<EventRow & { event_id_text: string }>(statements.byEventId, [ids]);
    const found = new Map(rows.map((row) => [row.event_id_text, rowToEvent(row)]));
    if (ids.every((id) => found.has(id))) return found;
    if (attempt >= LOOKUP_ATTEMPTS) {
      // Only a BEFORE trigger of the user's that skips rows can do this; the statement committed what it wrote.
      throw new PostbusDatabaseError(
        "POSTBUS_DATABASE_ERROR",
        `The events table stored ${skipped.length - ids.filter((id) => found.has(id)).length} fewer events than were published, and no earlier event has their event ids: a trigger on it skipped some`,
        { hint: "Check the BEFORE INSERT triggers on the events table" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
  }
}
