import { createPostbus, fromPool, migrate, PostbusDatabaseError } from "@postbus/client";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
});

describe("database errors", () => {
  it("keep the SQLSTATE, the driver error as cause, and the caller's stack", async () => {
    await pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by policy' USING ERRCODE = '23514'; END $$`);
    await pool.query("CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse()");
    const bus = createPostbus({ db: pool });
    try {
      const error = await bus.publish("signal.triggered", {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PostbusDatabaseError);
      const dbError = error as PostbusDatabaseError;
      expect(dbError.code).toBe("POSTBUS_DATABASE_ERROR");
      expect(dbError.sqlstate).toBe("23514");
      expect((dbError.cause as { code?: string }).code).toBe("23514");
      expect(dbError.message).toContain("refused by policy");
      expect(dbError.stack).toContain("database-errors.test.ts");
      // The caller's frames, not the driver's socket parser.
      expect(dbError.stack).not.toMatch(/node_modules[\\/]pg[\\/]|node:net/);
    } finally {
      await bus.close();
      await pool.query("DROP TRIGGER refuse ON events");
    }
  });

  it("never show the password of the connection string", async () => {
    const secret = "s3cr3t-pa55word";
    const unreachable = new pg.Pool({
      connectionString: `postgres://postbus:${secret}@127.0.0.1:1/nowhere`,
      connectionTimeoutMillis: 2_000,
    });
    const bus = createPostbus({ db: unreachable });
    try {
      const error = (await bus
        .publish("signal.triggered", {})
        .catch((caught: unknown) => caught)) as PostbusDatabaseError;
      expect(error).toBeInstanceOf(PostbusDatabaseError);
      expect(error.code).toBe("POSTBUS_DATABASE_ERROR");
      expect(error.sqlstate).toBeUndefined();
      expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(secret);
    } finally {
      await bus.close();
      await unreachable.end();
    }
  });
});
