import pg from "pg";
import { describe, expect, test } from "vitest";
import {
  assertNoConnections,
  assertTestDatabaseName,
  databaseUrl,
  generateTestDatabaseName,
  listConnections,
  useTestDatabase,
  withClient,
} from "./support/test-database.js";

const db = useTestDatabase();

describe("test database harness", () => {
  test("each test file gets a fresh, empty database of its own", async () => {
    expect(db.name).toMatch(/^postbus_t_[0-9a-f]{16}$/);
    const row = await withClient(db.url, async (client) => {
      const { rows } = await client.query<{ database: string; relations: number }>(
        `SELECT current_database() AS database,
                (SELECT count(*)::int
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                    AND n.nspname NOT LIKE 'pg_toast%') AS relations`,
      );
      return rows[0];
    });
    expect(row).toEqual({ database: db.name, relations: 0 });
  });

  test("withClient ends its client even when the callback throws", async () => {
    await expect(
      withClient(db.url, async (client) => {
        await client.query("SELECT 1");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await assertNoConnections(db.adminUrl, db.name);
  });

  test("assertNoConnections fails on a leaked client, naming it", async () => {
    const leaked = new pg.Client({ connectionString: db.url, application_name: "harness-deliberate-leak" });
    await leaked.connect();
    try {
      await leaked.query("SELECT 'left open on purpose' AS marker");
      await expect(assertNoConnections(db.adminUrl, db.name, { timeoutMs: 200 })).rejects.toThrow(
        /1 connection\(s\) to test database postbus_t_[0-9a-f]{16} still open[\s\S]*"harness-deliberate-leak", state idle, query "SELECT 'left open on purpose' AS marker"/,
      );
    } finally {
      await leaked.end();
    }
    // The just-ended backend may linger briefly; the check polls until it is gone.
    await assertNoConnections(db.adminUrl, db.name);
    expect(await listConnections(db.adminUrl, db.name)).toEqual([]);
  });

  test("pools made by db.pool() are ended by the harness", async () => {
    const pool = db.pool();
    const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
    // Deliberately not ended (and last in the file, so the leak assertions above don't see it):
    // afterAll ends it; if it did not, the leak check would fail this file.
  });

  test("only generated database names reach SQL", () => {
    const name = generateTestDatabaseName();
    expect(assertTestDatabaseName(name)).toBe(name);
    for (const bad of [
      "postgres",
      "postbus_t_",
      `${name}"; DROP DATABASE postgres; --`,
      name.toUpperCase(),
    ]) {
      expect(() => assertTestDatabaseName(bad)).toThrow(/is not a test database name/);
    }
  });

  test("databaseUrl swaps only the database", () => {
    expect(
      databaseUrl(
        "postgres://u:p%40ss@127.0.0.1:5432/postgres?sslmode=disable",
        "postbus_t_0123456789abcdef",
      ),
    ).toBe("postgres://u:p%40ss@127.0.0.1:5432/postbus_t_0123456789abcdef?sslmode=disable");
  });
});
