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
import { partitionHandler } from "../lib/partition-handler.js";

const [url, group, channel, partitions, concurrency, handlerMs] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: Number(concurrency) + 2 });
pool.on("error", () => {});
const bus = createPostbus({ db: pool });

const subscription = bus.subscribe({
  group: group!,
  channels: channel!,
  partitions: Number(partitions),
  concurrency: Number(concurrency),
  batchSize: 10,
  handler: partitionHandler(group!, Number(handlerMs)),
});
await subscription.ready;
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await bus.close();
  await pool.end();
  process.exit(0);
});
