/**
 * `postbus check` against the stored log on a real PostgreSQL: events written by
 * Postbus and by a plain ADR INSERT, validated against the new contract in delivery
 * order, counted exactly per event type and version.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createPostbus, fromPool, migrate } from "@postbus/client";
import { beforeAll, describe, expect, it } from "vitest";
import { checkCommand } from "../../../codegen/src/cli/commands/generator/check.js";
import { checkCompatibility } from "../../../codegen/src/compat/check-compatibility.js";
import { checkStoredEvents } from "../../../codegen/src/compat/stored-log.js";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";
import { eventFile, sideOf } from "./support/sides.js";

const exec = promisify(execFile);
const db = useTestDatabase();

const contract = (quantity: Record<string, unknown>) => ({
  "schemas/orders/order.placed.json": eventFile(
    "order.placed",
    1,
    {
      type: "object",
      properties: { orderId: { type: "string" }, quantity },
      required: ["orderId", "quantity"],
      additionalProperties: false,
    },
    { channel: "orders", consumers: ["fills"] },
  ),
  "schemas/orders/order.cancelled.json": eventFile(
    "order.cancelled",
    1,
    { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
    { channel: "orders" },
  ),
});
const OLD = contract({ type: "number" });
const NEW = contract({ type: "integer" });

beforeAll(async () => {
  const pool = db.pool();
  await migrate(fromPool(pool));
  const bus = createPostbus({ db: pool, producer: "orders" });
  try {
    // 50 whole quantities (fine under both), 20 fractional ones (the new contract rejects them)…
    await bus.publishMany(
      Array.from({ length: 70 }, (_, n) => ({
        type: "order.placed",
        data: { orderId: `o-${n}`, quantity: n < 50 ? n + 1 : n + 0.5 },
        channel: "orders",
      })),
    );
    // …10 fractional ones from an ADR-only writer, 5 that no contract ever accepted, and
    // 7 events of another type on the same channel.
    await pool.query(
      `INSERT INTO events (channel, data)
       SELECT 'orders', jsonb_build_object('event_type', 'order.placed', 'timestamp', '2025-05-15T10:30:45Z',
                                           'data', jsonb_build_object('orderId', 'adr-' || n, 'quantity', n + 0.25), 'metadata', '{}'::jsonb)
       FROM generate_series(1, 10) AS n`,
    );
    await pool.query(
      `INSERT INTO events (channel, data)
       SELECT 'orders', jsonb_build_object('event_type', 'order.placed', 'data', jsonb_build_object('orderId', 'bad-' || n, 'quantity', 'x'), 'metadata', '{}'::jsonb)
       FROM generate_series(1, 5) AS n`,
    );
    await bus.publishMany(
      Array.from({ length: 7 }, (_, n) => ({
        type: "order.cancelled",
        data: { orderId: `o-${n}` },
        channel: "orders",
      })),
    );
    await deliverable(pool);
  } finally {
    await bus.close();
  }
});

describe("stored events against the new contract", () => {
  it("counts exactly the stored events the new contract rejects, ADR rows included", async () => {
    const old = await sideOf("HEAD", OLD);
    const current = await sideOf("the working tree", NEW);
    const report = checkCompatibility({ old, current, defaultMode: "BACKWARD" });
    expect(report.findings.map((finding) => finding.rule)).toEqual(["integer-required"]);
    const bus = createPostbus({ db: db.pool() });
    try {
      let progress = 0;
      const stored = await checkStoredEvents(bus, old, current, report.events, {
        onProgress: (read) => (progress = read),
      });
      expect(stored.read).toBe(92);
      expect(progress).toBe(92);
      expect(stored.results).toEqual([
        {
          eventType: "order.placed",
          version: 1,
          checked: 80,
          rejected: 30,
          examples: [
            expect.objectContaining({ reason: "/quantity must be integer" }),
            expect.objectContaining({ reason: "/quantity must be integer" }),
            expect.objectContaining({ reason: "/quantity must be integer" }),
          ],
        },
      ]);
      expect(stored.unmatched).toEqual([
        {
          eventType: "order.placed",
          count: 5,
          examples: expect.arrayContaining([
            expect.objectContaining({ reason: "no contract of the compared side accepts it" }),
          ]),
        },
      ]);
      // The first rejected events, in delivery order: the 51st Postbus event onward.
      const first = stored.results[0]?.examples[0]?.position;
      const all = await bus.readEvents("orders", { limit: 100 });
      expect(first).toBe(all[50]?.position);

      const sampled = await checkStoredEvents(bus, old, current, report.events, { sample: 20 });
      expect(sampled.read).toBe(20);
      // The newest 20: 7 order.cancelled, the 5 never-valid rows and the last 8 ADR rows.
      expect(sampled.results[0]).toMatchObject({ checked: 8, rejected: 8 });
      expect(sampled.unmatched[0]?.count).toBe(5);
    } finally {
      await bus.close();
    }
  });

  it("makes postbus check exit 1 and say how many stored events the new contract rejects", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "postbus-check-db-"));
    try {
      const write = async (files: Record<string, unknown>) => {
        for (const [file, value] of Object.entries(files)) {
          await mkdir(path.dirname(path.join(root, file)), { recursive: true });
          await writeFile(path.join(root, file), JSON.stringify(value, null, 2));
        }
      };
      await write({ "postbus.config.json": {}, ...OLD });
      await exec("git", ["init", "-q"], { cwd: root });
      await exec("git", ["add", "."], { cwd: root });
      await exec("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "v1"], {
        cwd: root,
      });
      await write(NEW);
      const out: string[] = [];
      const err: string[] = [];
      const status = await checkCommand(
        [],
        { "database-url": db.url, format: "json" },
        {
          out: (line) => out.push(line),
          err: (line) => err.push(line),
          cwd: root,
          progress: false,
        },
      );
      expect(err).toEqual([]);
      expect(status).toBe(1);
      const output = JSON.parse(out.join(""));
      expect(output.summary).toMatchObject({ breaking: 1, storedRejected: 30 });
      expect(output.storedEvents.results[0]).toMatchObject({
        eventType: "order.placed",
        version: 1,
        checked: 80,
        rejected: 30,
      });
      expect(output.liveGroups).toEqual({ orders: [] });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
