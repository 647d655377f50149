/**
 * One member of a partitioned consumer group for the partitions benchmark, in a process of its own:
 *
 *   node --import tsx bench/consumer/partition-member.ts <url> <group> <channel> <partitions> <concurrency> <handler-ms>
 *
 * Each event's handler waits `handler-ms`, then records (event id, key, seq, clock_timestamp()) in
 * `bench_partition_handled` inside the batch's transaction. Prints `ready`; stops on SIGTERM.
 */
import pg from "pg";
import { createPostbus } from "../../packages/client/src/index.js";

const [url, group, channel, partitions, concurrency, handlerMs] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: Number(concurrency) + 2 });
pool.on("error", () => {});
const bus = createPostbus({ db: pool });
const delay = Number(handlerMs);

const subscription = bus.subscribe({
  group: group!,
  channels: channel!,
  partitions: Number(partitions),
  concurrency: Number(concurrency),
  batchSize: 10,
  handler: async (event, { tx }) => {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const data = event.data as { key: string; seq: number };
    await tx.query(
      "INSERT INTO bench_partition_handled (group_name, event_id, key, seq, at) VALUES ($1, $2, $3, $4, clock_timestamp())",
      [group, event.id, data.key, data.seq],
    );
  },
});
await subscription.ready;
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await bus.close();
  await pool.end();
  process.exit(0);
});
