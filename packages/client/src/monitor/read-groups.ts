import type { Executor } from "../driver/executor.js";
import type { MonitorStatements } from "../sql/monitor-statements.js";
import type { GroupStatus, PartitionLag } from "./postbus-status.js";
import { roundSeconds } from "./read-server.js";

interface GroupRow {
  group_name: string;
  last_active_at: Date | null;
  partitions: number | null;
  failing_tx: string | null;
  failing_id: number | null;
  failing_attempts: number;
  last_error: string | null;
  retry_at: Date | null;
  dead: number;
  redrive: number;
  redriven: number;
  channel: string | null;
  cursor_tx: string | null;
  cursor_id: number | null;
  lag_events: number | null;
  lag_seconds: number;
}

/** Every consumer group with its cursors and lag (counted up to `cap`), failing event and dead letters. */
export async function readGroups(
  executor: Executor,
  statements: MonitorStatements,
  cap: number,
  releasingRetention: ReadonlySet<string> = new Set(),
): Promise<GroupStatus[]> {
  const { rows } = await executor.query<GroupRow>(statements.groups, [cap + 1]);
  const groups = new Map<
    string,
    GroupStatus & { channels: GroupStatus["channels"][number][]; partitionLag?: PartitionLag[] }
  >();
  for (const row of rows) {
    let group = groups.get(row.group_name);
    if (!group) {
      group = {
        group: row.group_name,
        channels: [],
        lastActiveAt: row.last_active_at,
        partitions: row.partitions,
        holdsRetention: !releasingRetention.has(row.group_name),
        failing:
          row.failing_tx === null
            ? null
            : {
                position: `${row.failing_tx}:${row.failing_id}`,
                attempts: row.failing_attempts,
                lastError: row.last_error,
                retryAt: row.retry_at,
              },
        deadLetters: { dead: row.dead, redrive: row.redrive, redriven: row.redriven },
      };
      groups.set(row.group_name, group);
    }
    if (row.channel === null) continue;
    const lag = row.lag_events ?? 0;
    group.channels.push({
      channel: row.channel,
      position: `${row.cursor_tx}:${row.cursor_id}`,
      lagEvents: Math.min(lag, cap),
      lagCapped: lag > cap,
      lagSeconds: lag === 0 ? 0 : roundSeconds(row.lag_seconds),
    });
  }
  for (const group of groups.values()) {
    if (group.partitions === null) continue;
    const lag = await executor.query<{ partition: number; lag: number; failing_slots: number }>(
      statements.partitionLag,
      [group.group, group.partitions, cap + 1],
    );
    group.partitionLag = lag.rows.map((row) => ({
      partition: row.partition,
      lagEvents: Math.min(row.lag, cap),
      lagCapped: row.lag > cap,
      failingSlots: row.failing_slots,
    }));
  }
  return [...groups.values()];
}
