/**
 * `postbus status` counts recent publishes of deprecated contract versions per producer, on a
 * real PostgreSQL: `order.placed` v1 (deprecated in this repository's contracts) published by
 * the typed client from two producers, v2 and ADR rows (no `contract_version`) not counted; the
 * publish window bounds what "recent" means; text, JSON and Prometheus from the CLI as a process.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createTypedPostbus, fromPool, migrate, type PostbusStatus, readStatus } from "@postbus/client";
import { contracts, type OrderPlaced, type OrderPlacedV1 } from "@postbus/types";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(repositoryRoot, "codegen/src/cli.ts");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const db = useTestDatabase();
let pool: pg.Pool;

const v1 = (n: number): OrderPlacedV1 => ({
  orderId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  setupId: "0e3c9d0a-6a8b-4f7e-9b57-3b2f0d7c1a90",
  symbol: "BTC-USD",
  side: "buy",
  quantity: 0.25,
  limitPrice: 64250,
});
const v2 = (n: number): OrderPlaced => ({
  orderId: v1(n).orderId,
  setupId: "0e3c9d0a-6a8b-4f7e-9b57-3b2f0d7c1a90",
  symbol: "ETH-USD",
  side: "sell",
  quantity: 2,
  orderType: "market",
  timeInForce: "IOC",
  placedAt: "2025-05-15T10:31:02Z",
});

function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, DATABASE_URL: db.url, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await migrate(fromPool(pool));
  const legacy = createTypedPostbus({
    db: pool,
    contracts,
    producer: "legacy-app",
    listen: false,
    deprecatedVersions: "silent",
  });
  const web = createTypedPostbus({
    db: pool,
    contracts,
    producer: "web",
    listen: false,
    deprecatedVersions: "silent",
  });
  try {
    for (let n = 0; n < 3; n++) await legacy.publish("order.placed", v1(n));
    await web.publish("order.placed", v1(10), { version: 1 });
    for (let n = 0; n < 4; n++) await web.publish("order.placed", v2(20 + n));
    // ADR-only writers say no version: not counted (the status does not guess).
    for (let n = 0; n < 2; n++) {
      await pool.query("INSERT INTO events (channel, data) VALUES ('orders', $1)", [
        JSON.stringify({
          event_type: "order.placed",
          timestamp: "2025-05-15T10:30:45Z",
          data: v1(30 + n),
          metadata: {},
        }),
      ]);
    }
    await web.publish("order.placed", v1(40));
  } finally {
    await legacy.close();
    await web.close();
  }
  await deliverable(pool);
});
afterAll(async () => {
  await pool.end();
});

const deprecatedVersions = [{ eventType: "order.placed", version: 1 }];

describe("readStatus({ deprecatedVersions })", () => {
  it("counts publishes of each deprecated version per producer, by metadata.contract_version", async () => {
    const status = await readStatus(fromPool(pool), { deprecatedVersions });
    expect(status.deprecatedPublishes).toMatchObject({
      window: 10_000,
      events: 11,
      since: expect.any(Date),
      versions: deprecatedVersions,
      publishes: [
        { eventType: "order.placed", version: 1, producer: "legacy-app", publishes: 3 },
        { eventType: "order.placed", version: 1, producer: "web", publishes: 2 },
      ],
    });
    for (const item of status.deprecatedPublishes?.publishes ?? [])
      expect(item.lastPublishedAt).toBeInstanceOf(Date);
  });

  it("looks only at the newest publishWindow events", async () => {
    const status = await readStatus(fromPool(pool), { deprecatedVersions, publishWindow: 3 });
    // The newest three: one v1 by web, then two ADR rows.
    expect(status.deprecatedPublishes).toMatchObject({
      window: 3,
      events: 3,
      publishes: [{ producer: "web", publishes: 1 }],
    });
  });

  it("is what the typed client's status() counts by default: the registry's deprecated versions", async () => {
    const typed = createTypedPostbus({ db: pool, contracts, listen: false });
    try {
      const status = await typed.status();
      expect(status.deprecatedPublishes?.versions).toEqual(deprecatedVersions);
      expect(status.deprecatedPublishes?.publishes.map((item) => item.producer)).toEqual([
        "legacy-app",
        "web",
      ]);
      expect((await typed.status({ publishWindow: 1 })).deprecatedPublishes?.publishes).toHaveLength(1);
    } finally {
      await typed.close();
    }
  });

  it("is null without deprecatedVersions, and refuses a malformed one", async () => {
    expect((await readStatus(fromPool(pool))).deprecatedPublishes).toBeNull();
    await expect(
      readStatus(fromPool(pool), { deprecatedVersions: [{ eventType: "order.placed", version: 0 }] }),
    ).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
      message: expect.stringContaining("deprecatedVersions[0]"),
    });
    await expect(readStatus(fromPool(pool), { deprecatedVersions, publishWindow: 0 })).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
    });
  });
});

describe("postbus status with the contracts' deprecations", () => {
  it("prints the counts in JSON, text and Prometheus, the deprecations read from --config", async () => {
    const config = path.join(repositoryRoot, "postbus.config.json");
    const json = await run("status", "--json", "--config", config);
    expect(json.stderr).toBe("");
    expect(json.status).toBe(0);
    const status = JSON.parse(json.stdout) as PostbusStatus;
    expect(status.deprecatedPublishes?.versions).toEqual(deprecatedVersions);
    expect(status.deprecatedPublishes?.publishes.map((item) => [item.producer, item.publishes])).toEqual([
      ["legacy-app", 3],
      ["web", 2],
    ]);

    const text = await run("status", "--publish-window", "100");
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Deprecated contract versions published \(newest 11 events, since .+\):$/m);
    expect(text.stdout).toMatch(/^ {2}order\.placed v1 by legacy-app: 3 publishes, last \d{4}-.+Z$/m);
    expect(text.stdout).toMatch(/^ {2}order\.placed v1 by web: 2 publishes, last /m);

    const prometheus = await run("status", "--format", "prometheus");
    expect(prometheus.status).toBe(0);
    expect(prometheus.stdout).toContain("# TYPE postbus_deprecated_publishes gauge");
    expect(prometheus.stdout).toContain(
      'postbus_deprecated_publishes{schema="public",event_type="order.placed",version="1",producer="legacy-app"} 3',
    );
    expect(prometheus.stdout).toContain(
      'postbus_deprecated_publishes{schema="public",event_type="order.placed",version="1",producer="web"} 2',
    );
  }, 120_000);

  it("refuses a bad --publish-window (exit 2)", async () => {
    const bad = await run("status", "--publish-window", "0");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--publish-window must be an integer from 1 to 1000000");
  }, 60_000);
});
