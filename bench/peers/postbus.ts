import pg from "pg";
import { createPostbus, type Subscription } from "../../packages/client/src/index.js";
import { type BenchMessage, benchPayload } from "../lib/payload.js";
import { warmPool } from "../lib/warm-pool.js";
import type { Transport } from "./transport.js";

/** The channel (and event type) of a cell. */
export function benchChannel(key: string): string {
  return `bench.${key}`;
}

/** Postbus: `publish` on a pool (after-commit wake-ups); consumer groups with `subscribe`. */
export const postbusTransport: Transport = {
  name: "postbus",
  durability: "PostgreSQL commit (see synchronous_commit)",
  async producer(env, { key, concurrency }) {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: concurrency + 2 });
    await warmPool(pool, concurrency);
    const bus = createPostbus({ db: pool, producer: "bench" });
    const channel = benchChannel(key);
    return {
      async send(message) {
        await bus.publish(channel, benchPayload(message));
      },
      async close() {
        await bus.close();
        await pool.end();
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
    const bus = createPostbus({ db: pool });
    const subscriptions: Subscription[] = [];
    for (let group = 0; group < groups; group++) {
      subscriptions.push(
        bus.subscribe({
          group: `${key}-g${group}`,
          channels: [benchChannel(key)],
          from: "beginning",
          batchSize: 100,
          handler: (event) => onMessage(group, event.data as BenchMessage),
          onError: (error) => console.error(`postbus consumer ${key}: ${String(error)}`),
        }),
      );
    }
    await Promise.all(subscriptions.map((subscription) => subscription.ready));
    return {
      async close() {
        await bus.close();
        await pool.end();
      },
    };
  },
};
