import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { spawnFixture } from "../support/fixture-process.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const fixture = fileURLToPath(new URL("./fixtures/consumer-process.ts", import.meta.url));
const children = new Set<ChildProcess>();

beforeAll(async () => {
  pool = db.pool({ max: 12 });
  await migrate(fromPool(pool));
  await pool.query(
    "CREATE TABLE handled (group_name text, event_id int, pid int, started_at timestamptz, finished_at timestamptz)",
  );
  bus = createPostbus({ db: pool });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await bus.close();
});

/** Starts a consumer process and resolves once it says `ready`; `lines` collects its stdout. */
async function startConsumer(group: string, channel: string, mode = "run") {
  const { child, lines, exited } = spawnFixture(fixture, [db.url, group, channel, mode], children);
  await eventually(async () => lines.includes("ready"), Boolean, 20_000);
  if (!lines.includes("ready")) throw new Error(`consumer ${group} did not start`);
  return { child, lines, exited };
}

describe("consumer processes", () => {
  it("a consumer killed mid-batch: the next owner handles the batch again and its database writes apply once", async () => {
    const published = await bus.publishMany(
      Array.from({ length: 60 }, (_, n) => ({ type: "proc.kill", data: { n } })),
    );
    await deliverable(pool);
    const first = await startConsumer("killed", "proc.kill", "hang-at-30");
    await eventually(async () => first.lines.some((line) => line.startsWith("hanging")), Boolean, 20_000);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await startConsumer("killed", "proc.kill");
    await eventually(
      async () =>
        (
          await pool.query(
            "SELECT count(DISTINCT event_id)::int AS n FROM handled WHERE group_name = 'killed'",
          )
        ).rows[0].n,
      (n) => n === 60,
      20_000,
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const { rows } = await pool.query(
      "SELECT event_id, count(*)::int AS n FROM handled WHERE group_name = 'killed' GROUP BY event_id ORDER BY event_id",
    );
    expect(rows.map((row) => row.event_id)).toEqual(published.map((event) => event.id));
    expect(rows.every((row) => row.n === 1)).toBe(true);
    // The hanging event was handled by the dead process, uncommitted, then by the next owner.
    const hung = Number(first.lines.find((line) => line.startsWith("hanging"))!.split(" ")[1]);
    expect(second.lines).toContain(`handled ${hung}`);
  }, 60_000);

  it("two processes on one group never handle the same event at the same time, and together handle each once", async () => {
    const a = await startConsumer("shared", "proc.shared");
    const b = await startConsumer("shared", "proc.shared");
    const published: number[] = [];
    for (let n = 0; n < 20; n++) {
      const batch = await bus.publishMany(
        Array.from({ length: 25 }, (_, i) => ({ type: "proc.shared", data: { n, i } })),
      );
      published.push(...batch.map((event) => event.id));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await eventually(
      async () =>
        (await pool.query("SELECT count(*)::int AS n FROM handled WHERE group_name = 'shared'")).rows[0].n,
      (n) => n >= published.length,
      30_000,
    );
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const { rows } = await pool.query(
      "SELECT event_id, pid FROM handled WHERE group_name = 'shared' ORDER BY event_id",
    );
    expect(rows.map((row) => row.event_id)).toEqual(published);
    // Batches are serialized by the group's lease: handled intervals of the two processes never overlap.
    const overlap = await pool.query(
      `SELECT count(*)::int AS n FROM handled x JOIN handled y
       ON x.group_name = 'shared' AND y.group_name = 'shared' AND x.pid <> y.pid
       AND x.started_at < y.finished_at AND y.started_at < x.finished_at`,
    );
    expect(overlap.rows[0].n).toBe(0);
  }, 60_000);

  it("keeps delivering through repeated pg_terminate_backend of its listener, losing nothing", async () => {
    const consumer = await startConsumer("listener-kill", "proc.listen");
    const published: number[] = [];
    for (let round = 0; round < 6; round++) {
      const batch = await bus.publishMany(
        Array.from({ length: 50 }, (_, i) => ({ type: "proc.listen", data: { round, i } })),
      );
      published.push(...batch.map((event) => event.id));
      await pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'postbus-listener'",
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(
      async () =>
        (
          await pool.query(
            "SELECT count(DISTINCT event_id)::int AS n FROM handled WHERE group_name = 'listener-kill'",
          )
        ).rows[0].n,
      (n) => n === published.length,
      20_000,
    );
    const started = Date.now();
    const last = await bus.publish("proc.listen", { last: true });
    await eventually(async () => consumer.lines.includes(`handled ${last.id}`), Boolean, 10_000);
    // Woken by the re-established LISTEN (or at worst the 250 ms backstop), not stuck.
    expect(Date.now() - started).toBeLessThan(2_000);
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited).toBe(0);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM handled WHERE group_name = 'listener-kill'",
    );
    expect(rows[0]).toEqual({ n: published.length + 1, d: published.length + 1 });
  }, 60_000);
});
