import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { type FixtureProcess, spawnFixture } from "../support/fixture-process.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const children = new Set<ChildProcess>();
const cli = fileURLToPath(new URL("../../codegen/src/cli.ts", import.meta.url));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, listen: false, logger: quiet });
  // "billing" handled two events and has two waiting; "audit" dead-lettered one.
  await bus.publishMany([
    { type: "invoice.sent", data: { n: 1 } },
    { type: "invoice.sent", data: { n: 2 } },
  ]);
  await deliverable(pool);
  await bus.drain({ group: "billing", channels: ["invoice.sent"], from: "beginning", handler: () => {} });
  await bus.drain({
    group: "audit",
    channels: ["invoice.sent"],
    from: "beginning",
    maxAttempts: 1,
    handler: (event) => {
      if ((event.data as { n: number }).n === 2) throw new Error("audit rejected it");
    },
  });
  await bus.publishMany([
    { type: "invoice.sent", data: { n: 3 } },
    { type: "invoice.sent", data: { n: 4 } },
  ]);
  await deliverable(pool);
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await bus.close();
});

/** Starts `postbus metrics` as a process; resolves with it and its base URL once it listens. */
async function startMetrics(extra: string[] = []): Promise<{ server: FixtureProcess; base: string }> {
  const server = spawnFixture(cli, ["metrics", "--port", "0", "--database-url", db.url, ...extra], children);
  const line = await eventually(
    async () => server.lines.find((text) => text.startsWith("listening on ")),
    (found) => found !== undefined,
    30_000,
  );
  if (line === undefined) throw new Error(`postbus metrics did not start: ${server.lines.join("\n")}`);
  const base = line.slice("listening on ".length).replace(/\/metrics$/, "");
  return { server, base };
}

async function stop(server: FixtureProcess): Promise<number | null> {
  server.child.kill("SIGTERM");
  return server.exited;
}

describe("postbus metrics", () => {
  it("serves the status as Prometheus text on GET /metrics, fresh on every scrape", async () => {
    const { server, base } = await startMetrics();
    try {
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const body = await response.text();
      expect(body).toContain("# TYPE postbus_group_lag_events gauge");
      expect(body).toMatch(
        /^postbus_group_lag_events\{[^}]*group="billing"[^}]*channel="invoice\.sent"[^}]*\} 2$/m,
      );
      expect(body).toMatch(/^postbus_dead_letters\{[^}]*group="audit"[^}]*status="dead"[^}]*\} 1$/m);

      await bus.publish("invoice.sent", { n: 5 });
      await deliverable(pool);
      const again = await (await fetch(`${base}/metrics`)).text();
      expect(again).toMatch(/^postbus_group_lag_events\{[^}]*group="billing"[^}]*\} 3$/m);

      const head = await fetch(`${base}/metrics`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
      expect((await fetch(`${base}/other`)).status).toBe(404);
      const post = await fetch(`${base}/metrics`, { method: "POST" });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET, HEAD");
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });

  it("answers GET /healthz with 503 naming each problem, and 200 when the thresholds allow them", async () => {
    const strict = await startMetrics();
    try {
      const response = await fetch(`${strict.base}/healthz`);
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).toMatch(/^problem: .*audit.*dead letter/m);
    } finally {
      expect(await stop(strict.server)).toBe(0);
    }
    const lenient = await startMetrics(["--max-dead-letters", "5"]);
    try {
      const response = await fetch(`${lenient.base}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok\n");
    } finally {
      expect(await stop(lenient.server)).toBe(0);
    }
  });

  it("a scrape whose status cannot be read is a 503 with the error code and no credentials", async () => {
    const { server, base } = await startMetrics(["--schema", "nowhere"]);
    try {
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).toMatch(/^postbus: POSTBUS_[A-Z_]+: /);
      expect(body).not.toContain(db.url);
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });

  it("refuses a missing or bad --port with exit status 2, and a port in use", async () => {
    const missing = spawnFixture(cli, ["metrics", "--database-url", db.url], children);
    expect(await missing.exited).toBe(2);
    const bad = spawnFixture(cli, ["metrics", "--port", "70000", "--database-url", db.url], children);
    expect(await bad.exited).toBe(2);
    const { server, base } = await startMetrics();
    try {
      const port = new URL(base).port;
      const taken = spawnFixture(cli, ["metrics", "--port", port, "--database-url", db.url], children);
      expect(await taken.exited).toBe(2);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });
});
