import pg from "pg";
import { type BenchMessage, benchPayload } from "../lib/payload.js";
import { warmPool } from "../lib/warm-pool.js";
import type { Transport } from "./transport.js";

const PAGE = 100;

/** The NOTIFY channel of a cell. */
function notifyChannel(key: string): string {
  return `raw_${key.replace(/[^a-z0-9]/g, "_")}`;
}

/**
 * The raw baseline, as a careful user writes it with node-postgres alone: INSERT
 * and `pg_notify` in one statement (one transaction), readers that LISTEN and
 * read by keyset `id > cursor` in a transaction that also saves the cursor.
 * Unlike Postbus it is not gap-safe: with concurrent writers it can skip a row
 * whose transaction commits after a later id was read.
 */
export const rawTransport: Transport = {
  name: "raw-pg",
  durability: "PostgreSQL commit (see synchronous_commit)",
  async producer(env, { key, concurrency }) {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: concurrency + 2 });
    await warmPool(pool, concurrency);
    const channel = `bench.${key}`;
    const notify = notifyChannel(key);
    return {
      async send(message) {
        await pool.query({
          name: "raw_send",
          text: "WITH i AS (INSERT INTO raw_events (channel, data) VALUES ($1, $2) RETURNING id) SELECT pg_notify($3, '') FROM i",
          values: [channel, JSON.stringify(benchPayload(message)), notify],
        });
      },
      async close() {
        await pool.end();
      },
    };
  },
  async consumer(env, { key, groups }, onMessage) {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
    const listener = new pg.Client({ connectionString: env.databaseUrl });
    const channel = `bench.${key}`;
    const cursors = Array.from({ length: groups }, () => 0);
    const running = Array.from({ length: groups }, () => false);
    const again = Array.from({ length: groups }, () => false);
    let closed = false;

    for (let group = 0; group < groups; group++) {
      await pool.query(
        "INSERT INTO raw_cursors (reader, last_id) VALUES ($1, 0) ON CONFLICT (reader) DO NOTHING",
        [`${key}-g${group}`],
      );
    }

    async function readPage(group: number): Promise<number> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const { rows } = await client.query<{ id: number; data: BenchMessage }>({
          name: "raw_read_page",
          text: "SELECT id, data FROM raw_events WHERE channel = $1 AND id > $2 ORDER BY id LIMIT $3",
          values: [channel, cursors[group], PAGE],
        });
        for (const row of rows) onMessage(group, row.data);
        if (rows.length > 0) {
          const last = rows.at(-1)!.id;
          await client.query({
            name: "raw_advance",
            text: "UPDATE raw_cursors SET last_id = $2 WHERE reader = $1",
            values: [`${key}-g${group}`, last],
          });
          cursors[group] = last;
        }
        await client.query("COMMIT");
        return rows.length;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }

    async function drain(group: number): Promise<void> {
      if (running[group]) {
        again[group] = true;
        return;
      }
      running[group] = true;
      try {
        do {
          again[group] = false;
          while (!closed && (await readPage(group)) === PAGE) {}
        } while (again[group] && !closed);
      } catch (error) {
        if (!closed) console.error(`raw consumer ${key}: ${String(error)}`);
      } finally {
        running[group] = false;
      }
    }

    const drainAll = () => {
      for (let group = 0; group < groups; group++) void drain(group);
    };
    await listener.connect();
    listener.on("notification", drainAll);
    await listener.query(`LISTEN ${notifyChannel(key)}`);
    const poll = setInterval(drainAll, 1000);
    drainAll();
    return {
      async close() {
        closed = true;
        clearInterval(poll);
        while (running.some(Boolean)) await new Promise((resolve) => setTimeout(resolve, 5));
        await listener.end();
        await pool.end();
      },
    };
  },
};
