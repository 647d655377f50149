import type { Executor } from "../driver/executor.js";
import type { MonitorStatements } from "../sql/monitor-statements.js";
import type { ChannelStatus } from "./postbus-status.js";

interface ChannelRow {
  channel: string;
  events: number;
  last_event_at: Date | null;
}

/** Every channel of the events table with its events (counted up to `cap`) and its last event's time. */
export async function readChannels(
  executor: Executor,
  statements: MonitorStatements,
  cap: number,
): Promise<ChannelStatus[]> {
  const { rows } = await executor.query<ChannelRow>(statements.channels, [cap + 1]);
  return rows.map((row) => ({
    channel: row.channel,
    events: Math.min(row.events, cap),
    eventsCapped: row.events > cap,
    lastEventAt: row.last_event_at,
  }));
}
