import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, isPostbusError, type LogFields, migrate } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { spawnFixture } from "../support/fixture-process.js";
import { type RestartablePostgres, startRestartablePostgres } from "../support/restartable-postgres.js";

// A server of this file's own: the test restarts it (fast shutdown, then start on the same port).
let server: RestartablePostgres;
const children = new Set<ChildProcess>();
const fixture = fileURLToPath(new URL("./fixtures/readme-consumer.ts", import.meta.url));

beforeAll(async () => {
  server = await startRestartablePostgres();
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await server?.stop();
});

/** Publishes one event on a short-lived pool (the server may just have restarted) and returns its id. */
async function publishOne(n: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  pool.on("error", () => {});
  const bus = createPostbus({ db: pool });
  try {
    return (await bus.publish("signal.triggered", { n })).id;
  } finally {
    await bus.close();
    await pool.end();
  }
}

describe("a PostgreSQL restart under a consumer", () => {
  it("the README's consumer (a pool without an 'error' listener) survives three server restarts and keeps handling", async () => {
    const setup = new pg.Pool({ connectionString: server.url, max: 1 });
    await migrate(fromPool(setup));
    await setup.query("CREATE TABLE handled (event_id int)");
    await setup.end();

    const consumer = spawnFixture(fixture, [server.url], children);
    await eventually(async () => consumer.lines.includes("ready"), Boolean, 20_000);
    let exitCode: number | null | undefined;
    void consumer.exited.then((code) => {
      exitCode = code;
    });

    const ids = [await publishOne(0)];
    await eventually(async () => consumer.lines.includes(`handled ${ids[0]}`), Boolean, 20_000);
    for (let restart = 1; restart <= 3; restart++) {
      await server.restart();
      // The consumer's idle pool clients and its LISTEN connection were all terminated.
      const id = await publishOne(restart);
      ids.push(id);
      await eventually(
        async () => consumer.lines.includes(`handled ${id}`) || exitCode !== undefined,
        Boolean,
        30_000,
      );
      expect(exitCode, `the consumer exited after restart ${restart}`).toBeUndefined();
      expect(consumer.lines).toContain(`handled ${id}`);
    }

    const check = new pg.Pool({ connectionString: server.url, max: 1 });
    const { rows } = await check.query<{ event_id: number }>(
      "SELECT event_id FROM handled ORDER BY event_id",
    );
    await check.end();
    expect(rows.map((row) => row.event_id)).toEqual(ids);
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited).toBe(0);
  }, 180_000);
});

describe("the logger option", () => {
  it("reports an idle pool client's lost connection through the client's logger, not as a crash", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 2, application_name: "logger-test" });
    const warnings: Array<{ fields: LogFields; message: string }> = [];
    const ignore = () => {};
    const bus = createPostbus({
      db: pool,
      listen: false,
      logger: {
        debug: ignore,
        info: ignore,
        error: ignore,
        warn: (fields, message) => warnings.push({ fields, message }),
      },
    });
    try {
      await bus.getLatestEvents("signal.triggered"); // leaves an idle client in the pool
      const admin = new pg.Pool({ connectionString: server.url, max: 1 });
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'logger-test'",
      );
      await admin.end();
      await eventually(
        async () => warnings.length,
        (n) => n > 0,
        10_000,
      );
      expect(warnings[0]!.message).toMatch(/lost its connection while idle/);
      expect(warnings[0]!.fields.sqlstate).toBe("57P01");
      // The pool replaces the client: the next call works.
      expect(await bus.getLatestEvents("signal.triggered")).toBeInstanceOf(Array);
    } finally {
      await bus.close();
      await pool.end();
    }
  });

  it("refuses a logger without the four methods, with a coded error", () => {
    const pool = new pg.Pool({ connectionString: server.url });
    let error: unknown;
    try {
      createPostbus({ db: pool, logger: { warn() {} } as never });
    } catch (caught) {
      error = caught;
    }
    expect(isPostbusError(error, "POSTBUS_OPTIONS_INVALID")).toBe(true);
    void pool.end();
  });
});
