import { createPostbus, fromPool, isPostbusError, migrate } from "@postbus/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
const pools: ReturnType<typeof db.pool>[] = [];

beforeAll(async () => {
  const pool = db.pool({ max: 1 });
  pools.push(pool);
  await migrate(fromPool(pool));
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

/** The named statements of the one connection of a pool with `max: 1`. */
const preparedOn = async (pool: ReturnType<typeof db.pool>) =>
  (await pool.query<{ name: string }>("SELECT name FROM pg_prepared_statements ORDER BY name")).rows.map(
    (row) => row.name,
  );

describe("prepared statements", () => {
  it("Postbus prepares its frequent statements once per connection, and only its own", async () => {
    const pool = db.pool({ max: 1 });
    pools.push(pool);
    const bus = createPostbus({ db: pool, listen: false, wakeups: "off" });
    try {
      for (let n = 0; n < 3; n += 1) await bus.publish("prep.event", { n });
      await pool.query("SELECT $1::int AS n", [1]); // a caller's own statement: never named
      const names = await preparedOn(pool);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/^postbus_[0-9a-f]{20}$/);
      await bus.drain({ group: "prep", channels: "prep.event", handler: () => {} });
      expect((await preparedOn(pool)).length).toBeGreaterThan(1);
    } finally {
      await bus.close();
    }
  });

  it("preparedStatements: false prepares nothing (for poolers without prepared statements)", async () => {
    const pool = db.pool({ max: 1 });
    pools.push(pool);
    const bus = createPostbus({ db: pool, listen: false, preparedStatements: false });
    try {
      await bus.publish("prep.event", { n: 9 });
      await bus.drain({ group: "unprepared", channels: "prep.event", handler: () => {} });
      expect(await preparedOn(pool)).toEqual([]);
    } finally {
      await bus.close();
    }
    let code: string | undefined;
    try {
      createPostbus({ db: pool, preparedStatements: "yes" as never });
    } catch (error) {
      code = isPostbusError(error) ? error.code : String(error);
    }
    expect(code).toBe("POSTBUS_OPTIONS_INVALID");
  });
});
