import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusDatabaseError } from "../errors/postbus-error.js";
import { formatPosition } from "../read/position.js";
import type { InsertedRow } from "../sql/insert-events.js";
import type { PreparedEvent } from "./prepare-event.js";

/** How readers get woken for a batch: Postbus notifies after commit, or the trigger notifies inside the transaction. */
export type NotifyMode = "after-commit" | "in-transaction";

/**
 * Writes prepared events in one statement and returns them as stored, in
 * input order. All or nothing: the statement either inserts every row or none.
 */
export async function insertPrepared(
  executor: Executor,
  insertSql: string,
  events: readonly PreparedEvent[],
  notify: NotifyMode,
  prepared = false,
): Promise<StoredEvent[]> {
  const channels = events.map((event) => event.channel);
  const json = `[${events.map((event) => event.json).join(",")}]`;
  const { rows } = await executor.query<InsertedRow>(
    insertSql,
    [channels, json, notify === "after-commit" ? "after-commit" : ""],
    { prepared },
  );
  if (rows.length !== events.length) {
    // Only a BEFORE trigger of the user's that skips rows can do this; the statement committed what it wrote.
    throw new PostbusDatabaseError(
      "POSTBUS_DATABASE_ERROR",
      `The events table stored ${rows.length} of ${events.length} events: a trigger on it skipped some`,
      { hint: "Check the BEFORE INSERT triggers on the events table" },
    );
  }
  rows.sort((a, b) => a.id - b.id);
  return events.map((event, index) => {
    const row = rows[index]!;
    return {
      id: row.id,
      channel: event.channel,
      position: formatPosition({ tx: row.tx_text, id: row.id }),
      createdAt: row.created_at_tz,
      envelope: event.envelope,
      type: event.envelope.event_type,
      data: event.envelope.data,
    };
  });
}
