import { createPostbus, fromPool, type LogFields, migrate } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { type RestartablePostgres, startRestartablePostgres } from "../support/restartable-postgres.js";

// A server of this file's own: the read horizon is server-wide, and the test must know the one
// transaction that holds it (another test file's would be named instead).
let server: RestartablePostgres;
let pool: pg.Pool;
const db = { pool: (config: pg.PoolConfig) => new pg.Pool({ ...config, connectionString: server.url }) };

beforeAll(async () => {
  server = await startRestartablePostgres();
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

describe("a delivery stalled by a long transaction", () => {
  it("warns once through the logger after stalledWarningMs, naming the blocking backend, and delivers when it ends", async () => {
    const warnings: Array<{ fields: LogFields; message: string }> = [];
    const ignore = () => {};
    const bus = createPostbus({
      db: pool,
      logger: {
        debug: ignore,
        info: ignore,
        error: ignore,
        warn: (fields, message) => warnings.push({ fields, message }),
      },
    });
    const blocker = db.pool({ max: 1, application_name: "long-report" });
    const open = await blocker.connect();
    const seen: number[] = [];
    const subscription = bus.subscribe({
      group: "stalled",
      channels: ["st.held"],
      pollIntervalMs: 50,
      stalledWarningMs: 400,
      handler: (event) => void seen.push(event.id),
    });
    try {
      await subscription.ready;
      await open.query("BEGIN");
      const { rows } = await open.query("SELECT pg_backend_pid() AS pid, pg_current_xact_id()");
      const event = await bus.publish("st.held", { n: 1 }); // committed, behind the open transaction
      await eventually(
        async () => warnings.length,
        (n) => n > 0,
        10_000,
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.fields).toMatchObject({
        group: "stalled",
        channels: ["st.held"],
        blockingPid: rows[0].pid,
        blockingApplicationName: "long-report",
      });
      expect(warnings[0]!.message).toMatch(/held back by backend \d+ \(application_name "long-report"/);
      expect(seen).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(warnings).toHaveLength(1); // once per episode
      await open.query("COMMIT");
      await eventually(
        async () => seen,
        (ids) => ids.includes(event.id),
        10_000,
      );
      expect(seen).toEqual([event.id]);
    } finally {
      await open.query("ROLLBACK").catch(() => {});
      open.release();
      await blocker.end();
      await subscription.close();
      await bus.close();
    }
  });

  it("says nothing when a group merely has nothing to do", async () => {
    const warnings: unknown[] = [];
    const ignore = () => {};
    const bus = createPostbus({
      db: pool,
      logger: { debug: ignore, info: ignore, error: ignore, warn: (fields) => warnings.push(fields) },
    });
    const subscription = bus.subscribe({
      group: "idle",
      channels: ["st.idle"],
      pollIntervalMs: 50,
      stalledWarningMs: 200,
      handler: () => {},
    });
    await subscription.ready;
    await new Promise((resolve) => setTimeout(resolve, 800));
    await subscription.close();
    await bus.close();
    expect(warnings).toEqual([]);
  });
});
