import { createPostbus, type LogFields, type PostbusLogger } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endPool } from "../../../scripts/end-pool.js";
import { type CuttingProxy, startCuttingProxy } from "../../support/cutting-proxy.js";
import { eventually } from "../../support/eventually.js";
import { useTestDatabase } from "../../support/test-database.js";

// A program's own shutdown — `pool.end()`, then the server stops — must not be reported as a
// lost connection; a connection the server drops while the pool is in use still is.

const db = useTestDatabase();
let proxy: CuttingProxy;
let admin: pg.Pool;

beforeAll(async () => {
  proxy = await startCuttingProxy(Number(new URL(db.url).port));
  admin = db.pool({ max: 1 });
});
afterAll(() => proxy.close());

/** A pool whose connections go through the proxy, with `size` connections open and idle. */
async function proxiedPool(name: string, size: number): Promise<pg.Pool> {
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const pool = new pg.Pool({ connectionString: url.toString(), max: size, application_name: name });
  await Promise.all(Array.from({ length: size }, () => pool.query("SELECT pg_sleep(0.05)")));
  expect(pool.idleCount).toBe(size);
  return pool;
}

/** What the server does to every backend when it shuts down (fast), for the backends of one pool. */
async function terminateBackends(name: string): Promise<number> {
  const { rows } = await admin.query(
    "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1",
    [name],
  );
  return rows.length;
}

async function backendsOf(name: string): Promise<number> {
  const { rows } = await admin.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
    [name],
  );
  return rows[0].n;
}

function capturingLogger(): {
  logger: PostbusLogger;
  warnings: Array<{ fields: LogFields; message: string }>;
} {
  const warnings: Array<{ fields: LogFields; message: string }> = [];
  const ignore = () => {};
  return {
    warnings,
    logger: {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (fields, message) => warnings.push({ fields, message }),
    },
  };
}

describe("a pool's connections lost during its shutdown", () => {
  it("are not reported as lost idle connections by Postbus", async () => {
    proxy.holdTerminate = false;
    const pool = await proxiedPool("shutdown-quiet", 3);
    const poolErrors: Error[] = [];
    pool.on("error", (error) => poolErrors.push(error));
    const { logger, warnings } = capturingLogger();
    const bus = createPostbus({ db: pool, listen: false, logger });
    try {
      // The clients' goodbyes never reach the server, which then shuts their backends down:
      // exactly what a server stopped right after `pool.end()` resolved does to them.
      proxy.holdTerminate = true;
      await pool.end();
      expect(await terminateBackends("shutdown-quiet")).toBe(3);
      await eventually(
        async () => poolErrors.length,
        (count) => count === 3,
      );
      expect(poolErrors.map((error) => (error as Error & { code?: string }).code)).toEqual([
        "57P01",
        "57P01",
        "57P01",
      ]);
      expect(warnings).toEqual([]);
    } finally {
      proxy.holdTerminate = false;
      await bus.close();
    }
  });

  it("while a connection the server drops from a pool in use is still reported", async () => {
    const pool = await proxiedPool("shutdown-loss", 2);
    pool.on("error", () => {});
    const { logger, warnings } = capturingLogger();
    const bus = createPostbus({ db: pool, listen: false, logger });
    try {
      expect(await terminateBackends("shutdown-loss")).toBe(2);
      await eventually(
        async () => warnings.length,
        (count) => count === 2,
      );
      expect(warnings.map((warning) => warning.message)).toEqual([
        expect.stringMatching(/lost its connection while idle/),
        expect.stringMatching(/lost its connection while idle/),
      ]);
      expect(warnings[0]!.fields).toMatchObject({ sqlstate: "57P01" });
    } finally {
      await bus.close();
      await pool.end();
    }
  });
});

describe("endPool", () => {
  it("resolves only once every connection of the pool has closed, so the server can stop next", async () => {
    const pool = await proxiedPool("end-pool", 3);
    pool.on("error", () => {});
    const closed = new Set<pg.PoolClient>();
    pool.on("remove", (client) => closed.add(client));
    proxy.holdTerminate = true;
    let closedWhenEnded: number | undefined;
    const ending = endPool(pool, 30_000).then(() => {
      closedWhenEnded = closed.size;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // pool.end() has resolved by now (the pool let go of its clients), but their connections are open.
      expect(pool.totalCount).toBe(0);
      expect(await backendsOf("end-pool")).toBe(3);
      expect(closedWhenEnded).toBeUndefined();
    } finally {
      proxy.holdTerminate = false;
      await terminateBackends("end-pool");
    }
    await ending;
    expect(closedWhenEnded).toBe(3);
  });

  it("resolves at once for a pool that never connected", async () => {
    const pool = new pg.Pool({ connectionString: db.url });
    const started = Date.now();
    await endPool(pool);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
