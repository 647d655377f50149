import pg from "pg";
import { fromPool, migrate } from "../../packages/client/src/index.js";

/** The server the benchmarks run on (`DATABASE_URL`, else the local default). */
export const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database created for one benchmark run and dropped at its end. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates `postbus_bench_<pid>` on the server, migrated, with the raw baseline tables. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `postbus_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(SERVER_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrate(fromPool(pool));
    await pool.query(RAW_TABLES);
  } finally {
    await pool.end();
  }
  return {
    name,
    url,
    async drop() {
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The raw baseline's tables: `raw_events` has the events table's columns and index
 * but no wake-up trigger; `raw_cursors` is a durable cursor per reader;
 * `bench_orders` is the "business write" of the transactional scenario; `bench_partition_handled`
 * what the partitions scenario's handlers write.
 */
const RAW_TABLES = `
CREATE TABLE raw_events (
  id SERIAL PRIMARY KEY,
  channel VARCHAR(50) NOT NULL,
  data JSONB NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(),
  tx xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX raw_events_channel_id_idx ON raw_events (channel, id);
CREATE TABLE raw_cursors (reader TEXT PRIMARY KEY, last_id INT NOT NULL);
CREATE TABLE bench_orders (id SERIAL PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC NOT NULL, placed_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE bench_partition_handled (n BIGSERIAL PRIMARY KEY, group_name TEXT NOT NULL, event_id INT NOT NULL, key TEXT NOT NULL, seq INT NOT NULL, at TIMESTAMPTZ NOT NULL);
`;

/** Empties every table the benchmarks write (fresh state for a cell). */
export async function resetTables(pool: pg.Pool): Promise<void> {
  await pool.query(
    `TRUNCATE events, raw_events, raw_cursors, bench_orders, bench_partition_handled, postbus_cursors, postbus_groups, postbus_dead_letters RESTART IDENTITY CASCADE`,
  );
}

/** `url` pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (!parsed.username) parsed.username = "postgres";
  return parsed.toString();
}

/** Server facts for the report: version and the settings that bound the numbers. */
export async function readServerSettings(pool: pg.Pool): Promise<Record<string, string>> {
  const names = [
    "server_version",
    "shared_buffers",
    "synchronous_commit",
    "fsync",
    "wal_level",
    "max_connections",
    "work_mem",
    "effective_io_concurrency",
    "commit_delay",
    "wal_sync_method",
    "full_page_writes",
  ];
  const { rows } = await pool.query<{ name: string; value: string }>(
    "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1) ORDER BY name",
    [names],
  );
  const result: Record<string, string> = {};
  for (const row of rows) result[row.name] = row.value;
  return result;
}
