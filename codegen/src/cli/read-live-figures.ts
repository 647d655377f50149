/**
 * Reads the live figures of `postbus docs --database-url` from a database: `readStatus` for the
 * groups, one aggregate over the events table (per event type and channel: count, newest
 * `created_at`; a full scan, done once per `postbus docs`) and one over the dead letters.
 */
import { type Executor, readStatus } from "@postbus/client";
import type { LiveFigures, LiveGroup } from "../emit/catalog/live/live-figures.js";

/** Reads the figures for the tables in `schema` (already checked and known to the client). */
export async function readLiveFigures(
  executor: Executor,
  schema: string,
  database: string,
): Promise<LiveFigures> {
  const status = await readStatus(executor, { schema });
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  const counts = await executor.query<{ event_type: string; channel: string; n: number; last: Date | null }>(
    `SELECT coalesce(data->>'event_type', channel) AS event_type, channel, count(*)::int AS n,
       max(created_at) AT TIME ZONE current_setting('TimeZone') AS last
     FROM ${quoted}.events GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const dead = await executor.query<{ group_name: string; event_type: string; n: number }>(
    `SELECT group_name, coalesce(data->>'event_type', channel) AS event_type, count(*)::int AS n
     FROM ${quoted}.postbus_dead_letters WHERE status IN ('dead', 'redrive') GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const groups: LiveGroup[] = status.groups.map((group) => {
    const waiting = group.deadLetters.dead + group.deadLetters.redrive;
    const state: LiveGroup["state"] =
      group.failing !== null
        ? "failing"
        : waiting > 0
          ? "dead letters"
          : group.channels.some((cursor) => cursor.lagEvents > 0)
            ? "lagging"
            : "caught up";
    return {
      group: group.group,
      state,
      lastActiveAt: group.lastActiveAt,
      holdsRetention: group.holdsRetention,
      channels: group.channels,
      failing: group.failing,
      deadLetters: waiting,
    };
  });
  return {
    readAt: new Date(),
    database,
    eventCounts: counts.rows.map((row) => ({
      eventType: row.event_type,
      channel: row.channel,
      count: row.n,
      lastSeenAt: row.last,
    })),
    deadLetters: dead.rows.map((row) => ({ group: row.group_name, eventType: row.event_type, count: row.n })),
    groups,
  };
}
