import { randomBytes } from "node:crypto";
import { createPostbus, fromClient, fromPool, LATEST_MIGRATION, migrate } from "@postbus/client";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(() => {
  pool = db.pool({ max: 12 });
});

describe("migrate", () => {
  it("creates the tables once and is idempotent", async () => {
    const first = await migrate(fromPool(pool));
    expect(first.applied).toEqual([
      "000001_events",
      "000002_consumer_groups",
      "000003_request_reply",
      "000004_event_id",
      "000005_row_wake_trigger",
      "000006_claim_batch",
      "000007_group_retention",
      "000008_partitioned_groups",
      "000009_claim_batch_plpgsql",
    ]);
    expect(first.version).toBe(LATEST_MIGRATION);
    const second = await migrate(fromPool(pool));
    expect(second).toEqual({ applied: [], version: LATEST_MIGRATION });
    const { rows } = await pool.query("SELECT id, name FROM postbus_migrations ORDER BY id");
    expect(rows).toEqual([
      { id: 1, name: "000001_events" },
      { id: 2, name: "000002_consumer_groups" },
      { id: 3, name: "000003_request_reply" },
      { id: 4, name: "000004_event_id" },
      { id: 5, name: "000005_row_wake_trigger" },
      { id: 6, name: "000006_claim_batch" },
      { id: 7, name: "000007_group_retention" },
      { id: 8, name: "000008_partitioned_groups" },
      { id: 9, name: "000009_claim_batch_plpgsql" },
    ]);
  });

  it("is safe when ten processes migrate a fresh schema at once", async () => {
    const runs = await Promise.allSettled(
      Array.from({ length: 10 }, () => migrate(fromPool(pool), { schema: "race" })),
    );
    expect(runs.filter((run) => run.status === "rejected")).toEqual([]);
    const applied = runs.flatMap((run) => (run.status === "fulfilled" ? run.value.applied : []));
    expect(applied).toEqual([
      "000001_events",
      "000002_consumer_groups",
      "000003_request_reply",
      "000004_event_id",
      "000005_row_wake_trigger",
      "000006_claim_batch",
      "000007_group_retention",
      "000008_partitioned_groups",
      "000009_claim_batch_plpgsql",
    ]);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM race.postbus_migrations");
    expect(rows[0].n).toBe(LATEST_MIGRATION);
  });

  it("works for a least-privilege role (no CREATE on the schema) when nothing is left to do", async () => {
    await migrate(fromPool(pool));
    const role = `pb_app_${randomBytes(4).toString("hex")}`;
    await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
    try {
      await pool.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      await pool.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await pool.query(`GRANT SELECT ON postbus_migrations TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      url.password = "pw";
      const app = new pg.Pool({ connectionString: url.toString(), max: 1 });
      try {
        expect(await migrate(fromPool(app))).toEqual({ applied: [], version: LATEST_MIGRATION });
        // It really cannot create anything there: the old CREATE TABLE IF NOT EXISTS failed for it.
        await expect(app.query("CREATE TABLE public.probe (n int)")).rejects.toMatchObject({ code: "42501" });
      } finally {
        await app.end();
      }
    } finally {
      await pool.query(`DROP OWNED BY ${role}`);
      await pool.query(`DROP ROLE ${role}`);
    }
  });

  it("puts the tables in the configured schema and publishes and reads there", async () => {
    await migrate(fromPool(pool), { schema: "tenant_a" });
    const bus = createPostbus({ db: pool, schema: "tenant_a" });
    await bus.publish("signal.triggered", { where: "tenant_a" });
    expect((await bus.getLatestEvents("signal.triggered")).map((event) => event.data)).toEqual([
      { where: "tenant_a" },
    ]);
    await bus.close();
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM tenant_a.events");
    expect(rows[0].n).toBe(1);
  });

  it("tells a caller who has not migrated a schema what to do", async () => {
    const bus = createPostbus({ db: pool, schema: "never_migrated" });
    await expect(bus.publish("signal.triggered", {})).rejects.toMatchObject({
      code: "POSTBUS_NOT_MIGRATED",
      sqlstate: "42P01",
      hint: expect.stringContaining("postbus migrate"),
    });
    await bus.close();
  });

  it("rejects a schema name outside the allow-list before touching the database", async () => {
    await expect(
      migrate(fromPool(pool), { schema: "Robert'); DROP TABLE students;--" }),
    ).rejects.toMatchObject({
      code: "POSTBUS_NAME_INVALID",
    });
  });

  it("needs an executor that can open transactions", async () => {
    const client = await pool.connect();
    try {
      await expect(migrate(fromClient(client))).rejects.toMatchObject({ code: "POSTBUS_OPTIONS_INVALID" });
    } finally {
      client.release();
    }
  });

  it("rolls back everything, its own record included, when a migration fails", async () => {
    // A function of the same name with another return type makes the migration fail after it created the table.
    await pool.query("CREATE SCHEMA broken");
    await pool.query("CREATE FUNCTION broken.postbus_wake_readers() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    await expect(migrate(fromPool(pool), { schema: "broken" })).rejects.toMatchObject({
      code: "POSTBUS_MIGRATION_FAILED",
      sqlstate: "42P13",
    });
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'broken' AND table_name IN ('events', 'postbus_migrations')",
    );
    expect(rows[0].n).toBe(0);
  });
});
