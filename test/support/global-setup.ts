/**
 * Vitest global setup: provides an admin PostgreSQL URL to every test file.
 *
 * - `DATABASE_URL` set: that server is used as is (checked to be reachable).
 * - unset: an embedded PostgreSQL is started with its data under
 *   `os.tmpdir()/postbus-test-<pid>`, and stopped and removed in teardown.
 *
 * Test files read the URL through `useTestDatabase()` (test/support/test-database.ts).
 */
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.js";
import { ADMIN_URL_KEY } from "./provided-context.js";

/** `DROP DATABASE ... WITH (FORCE)` needs PostgreSQL 13. */
const MIN_SERVER_VERSION_NUM = 130_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL?.trim();
  if (external) {
    await checkServer(external);
    project.provide(ADMIN_URL_KEY, external);
    return async () => {};
  }

  const server = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `postbus-test-${process.pid}`),
  });
  try {
    await checkServer(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide(ADMIN_URL_KEY, server.url);
  return () => server.stop();
}

async function checkServer(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    application_name: "postbus-test:global-setup",
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: number }>(
      "SELECT current_setting('server_version_num')::int AS version",
    );
    const version = rows[0]?.version ?? 0;
    if (version < MIN_SERVER_VERSION_NUM) {
      throw new Error(`PostgreSQL ${version} is too old for the test harness; it needs 13 or newer`);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`test database server ${redact(url)} is not usable: ${reason}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
