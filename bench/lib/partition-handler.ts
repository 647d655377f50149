import type { EventHandler } from "../../packages/client/src/index.js";

/**
 * The partitions benchmark's handler for `group`: waits `delayMs` (0: not at all), then records the
 * event (id, key, seq, `clock_timestamp()`) in `bench_partition_handled` in the batch's
 * transaction, where the scenario counts deliveries and checks each key's order.
 */
export function partitionHandler(group: string, delayMs: number): EventHandler {
  return async (event, { tx }) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const data = event.data as { key: string; seq: number };
    await tx.query(
      "INSERT INTO bench_partition_handled (group_name, event_id, key, seq, at) VALUES ($1, $2, $3, $4, clock_timestamp())",
      [group, event.id, data.key, data.seq],
    );
  };
}
