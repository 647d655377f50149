import PgBoss from "pg-boss";
import type { BenchMessage } from "../lib/payload.js";
import { benchPayload } from "../lib/payload.js";
import type { Transport } from "./transport.js";

/** pg-boss's fastest polling (it does not use LISTEN/NOTIFY for workers). */
const POLL_SECONDS = 0.5;

/** pg-boss 10 on the same PostgreSQL database: `send` → `work` handler, one queue per cell. */
export const pgBossTransport: Transport = {
  name: "pg-boss",
  durability: "PostgreSQL commit (see synchronous_commit)",
  async producer(env, { key, concurrency }) {
    const boss = new PgBoss({
      connectionString: env.databaseUrl,
      max: concurrency + 2,
      schedule: false,
      supervise: false,
    });
    boss.on("error", (error) => console.error(`pg-boss producer: ${String(error)}`));
    await boss.start();
    await boss.createQueue(key).catch(() => {});
    return {
      async send(message) {
        await boss.send(key, benchPayload(message));
      },
      async close() {
        await boss.stop({ graceful: false, wait: true });
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    if (groups !== 1) throw new Error("pg-boss: one group only");
    const boss = new PgBoss({
      connectionString: env.databaseUrl,
      max: 10,
      schedule: false,
      supervise: false,
    });
    boss.on("error", (error) => console.error(`pg-boss consumer: ${String(error)}`));
    await boss.start();
    await boss.createQueue(key).catch(() => {});
    await boss.work<BenchMessage>(
      key,
      // pg-boss waits out the polling interval after every fetch, even a full one: a batch smaller
      // than a cell's messages would cap it at batchSize / interval, a limit of this harness.
      { batchSize: 20_000, pollingIntervalSeconds: POLL_SECONDS },
      async (jobs) => {
        for (const job of jobs) onMessage(0, job.data);
      },
    );
    return {
      async close() {
        await boss.stop({ graceful: false, wait: true });
      },
    };
  },
};
