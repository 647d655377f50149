/**
 * One fresh PostgreSQL database per test file, and the "no leaked
 * connections" rule.
 *
 * ```ts
 * const db = useTestDatabase();
 *
 * test("...", async () => {
 *   const pool = db.pool(); // ended automatically after the file
 *   await withClient(db.url, (client) => client.query("SELECT 1"));
 * });
 * ```
 *
 * After the file's tests, pools made by `db.pool()` are ended; any other
 * connection still open on the database (a pool, client or LISTEN
 * connection the test forgot to close) fails the test file.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { ADMIN_URL_KEY } from "./provided-context.js";

/** Prefix of every database the harness creates. */
export const TEST_DATABASE_PREFIX = "postbus_t_";
const TEST_DATABASE_NAME = /^postbus_t_[0-9a-f]{16}$/;

/** application_name of the harness's own admin connections. */
const ADMIN_APPLICATION_NAME = "postbus-test:admin";
/** Default application_name of pools made by {@link TestDatabase.pool}. */
const POOL_APPLICATION_NAME = "postbus-test:pool";
/** How long ending a helper pool may take before it counts as leaked (a client never released). */
const POOL_END_TIMEOUT_MS = 5_000;

/** A database created for one test file by {@link useTestDatabase}. */
export interface TestDatabase {
  /** Database name, `postbus_t_<16 hex digits>`. Available from `beforeAll` on. */
  readonly name: string;
  /** Connection URL of the test database. Available from `beforeAll` on. */
  readonly url: string;
  /** Admin URL of the server (connects to the admin database, not the test database). */
  readonly adminUrl: string;
  /**
   * Creates a `pg.Pool` on the test database. The harness ends it after the
   * file's tests (ending it earlier yourself is fine too).
   */
  pool(config?: Omit<pg.PoolConfig, "connectionString">): pg.Pool;
}

/** Options for {@link assertNoConnections}. */
export interface AssertNoConnectionsOptions {
  /** How long to keep polling for connections to go away. Default 2000 ms. */
  timeoutMs?: number;
  /** Delay between polls. Default 50 ms. */
  intervalMs?: number;
}

/** A client backend connected to a database, as seen in `pg_stat_activity`. */
export interface DatabaseConnection {
  pid: number;
  applicationName: string;
  state: string | null;
  query: string;
}

/**
 * The admin URL provided by the global setup (`DATABASE_URL`, or the
 * embedded server). Only callable inside vitest test files.
 */
export function getAdminUrl(): string {
  const url = inject(ADMIN_URL_KEY);
  if (!url)
    throw new Error("no admin database URL was provided; is test/support/global-setup.ts configured?");
  return url;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that create a fresh database for the
 * calling test file and, afterwards, end the helper's pools, fail the file if
 * any other connection to the database is still open, and drop the database.
 *
 * Call it once, at the top level of a test file.
 */
export function useTestDatabase(): TestDatabase {
  let adminUrl: string | undefined;
  let name: string | undefined;
  let url: string | undefined;
  const pools = new Set<pg.Pool>();

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(
        `useTestDatabase(): ${what} is only available once beforeAll has run (use it inside tests or hooks)`,
      );
    }
    return value;
  };

  beforeAll(async () => {
    adminUrl = getAdminUrl();
    name = await createTestDatabase(adminUrl);
    url = databaseUrl(adminUrl, name);
  });

  afterAll(async () => {
    if (adminUrl === undefined || name === undefined) return;
    await Promise.all([...pools].map((pool) => endPool(pool)));
    pools.clear();
    let leak: unknown;
    try {
      await assertNoConnections(adminUrl, name);
    } catch (error) {
      leak = error;
    }
    await dropTestDatabase(adminUrl, name);
    if (leak !== undefined) throw leak;
  });

  return {
    get name() {
      return ready(name, "name");
    },
    get url() {
      return ready(url, "url");
    },
    get adminUrl() {
      return ready(adminUrl, "adminUrl");
    },
    pool(config = {}) {
      const pool = new pg.Pool({
        application_name: POOL_APPLICATION_NAME,
        ...config,
        connectionString: ready(url, "pool()"),
      });
      pools.add(pool);
      return pool;
    },
  };
}

/**
 * Connects a `pg.Client` to `url`, runs `fn`, and always ends the client,
 * whether `fn` resolves or throws.
 */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  config: Omit<pg.ClientConfig, "connectionString"> = {},
): Promise<T> {
  const client = new pg.Client({ ...config, connectionString: url });
  // A server-side termination while idle must not crash the worker; errors
  // during `fn` still surface through the failing query.
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new random test database name, `postbus_t_<16 hex digits>`. */
export function generateTestDatabaseName(): string {
  return `${TEST_DATABASE_PREFIX}${randomBytes(8).toString("hex")}`;
}

/**
 * Returns `name` if it is a harness database name, else throws. Everything
 * that puts a database name into SQL goes through this, so the harness can
 * only ever create or drop its own databases.
 */
export function assertTestDatabaseName(name: string): string {
  if (!TEST_DATABASE_NAME.test(name)) {
    throw new Error(`${JSON.stringify(name)} is not a test database name (expected ${TEST_DATABASE_NAME})`);
  }
  return name;
}

/** `url` with its database replaced by `dbName` (credentials and query parameters kept). */
export function databaseUrl(url: string, dbName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(dbName)}`;
  return parsed.toString();
}

/** Creates a fresh, empty test database on the server behind `adminUrl`; returns its name. */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  const name = generateTestDatabaseName();
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${quotedTestDatabase(name)}`));
  return name;
}

/** Terminates every connection to the test database `dbName` and drops it (no-op if it is gone). */
export async function dropTestDatabase(adminUrl: string, dbName: string): Promise<void> {
  const quoted = quotedTestDatabase(dbName);
  await withAdmin(adminUrl, async (admin) => {
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [dbName]);
    await admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  });
}

/** Client backends currently connected to `dbName`, excluding the caller's own connection. */
export async function listConnections(adminUrl: string, dbName: string): Promise<DatabaseConnection[]> {
  assertTestDatabaseName(dbName);
  return withAdmin(adminUrl, (admin) => queryConnections(admin, dbName));
}

/**
 * Throws if any client backend is connected to the database `dbName`.
 *
 * Polls `pg_stat_activity` for up to `timeoutMs` first, because a backend
 * whose client just ended can stay visible for a few milliseconds. The error
 * names each remaining connection's application_name, state and last query.
 * Background workers (autovacuum and the like) are not counted.
 */
export async function assertNoConnections(
  adminUrl: string,
  dbName: string,
  options: AssertNoConnectionsOptions = {},
): Promise<void> {
  assertTestDatabaseName(dbName);
  const { timeoutMs = 2_000, intervalMs = 50 } = options;
  const remaining = await withAdmin(adminUrl, async (admin) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const connections = await queryConnections(admin, dbName);
      if (connections.length === 0 || Date.now() >= deadline) return connections;
      await sleep(intervalMs);
    }
  });
  if (remaining.length === 0) return;
  const lines = remaining.map(
    (c) =>
      `  - pid ${c.pid}: application_name ${JSON.stringify(c.applicationName)}, state ${c.state ?? "unknown"}, query ${JSON.stringify(truncate(c.query, 200))}`,
  );
  throw new Error(
    `${remaining.length} connection(s) to test database ${dbName} still open after ${timeoutMs} ms; ` +
      `a pool, client or listener was not closed (end pools with pool.end(), clients with client.end()):\n${lines.join("\n")}`,
  );
}

async function queryConnections(admin: pg.Client, dbName: string): Promise<DatabaseConnection[]> {
  const { rows } = await admin.query<{
    pid: number;
    application_name: string;
    state: string | null;
    query: string;
  }>(
    `SELECT pid, application_name, state, query
       FROM pg_stat_activity
      WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      ORDER BY pid`,
    [dbName],
  );
  return rows.map((row) => ({
    pid: row.pid,
    applicationName: row.application_name,
    state: row.state,
    query: row.query,
  }));
}

function quotedTestDatabase(name: string): string {
  return pg.escapeIdentifier(assertTestDatabaseName(name));
}

function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(adminUrl, fn, { application_name: ADMIN_APPLICATION_NAME });
}

/** Ends `pool`, giving up after a timeout (a checked-out client never released keeps `end()` pending). */
async function endPool(pool: pg.Pool): Promise<void> {
  if (pool.ended) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, POOL_END_TIMEOUT_MS);
  });
  try {
    await Promise.race([pool.end().catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
