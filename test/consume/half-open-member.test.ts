import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, isPostbusError, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { spawnFixture } from "../support/fixture-process.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const fixture = fileURLToPath(new URL("./fixtures/stalling-member.ts", import.meta.url));
const children = new Set<ChildProcess>();
/** The bound under test, small: the server ends a stalled member's batch within it. */
const BATCH_TIMEOUT_MS = 3_000;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (event_id int, pid int, at timestamptz DEFAULT clock_timestamp())");
  bus = createPostbus({ db: pool });
});
afterAll(async () => {
  for (const child of children) {
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
  await bus.close();
});

async function startMember(mode: "stall" | "run") {
  const member = spawnFixture(
    fixture,
    [db.url, "half-open", "ho.work", String(BATCH_TIMEOUT_MS), mode],
    children,
  );
  await eventually(async () => member.lines.includes("ready"), Boolean, 30_000);
  if (!member.lines.includes("ready")) throw new Error("member did not start");
  return member;
}

describe("a member that stalls mid-batch (SIGSTOPped: its session idles in a transaction with the lease and an xid)", () => {
  it("loses its lease and xid within batchTimeoutMs: another member takes over, and other groups are delivered meanwhile", async () => {
    const other: number[] = [];
    const otherGroup = bus.subscribe({
      group: "bystander",
      channels: ["ho.other"],
      pollIntervalMs: 100,
      handler: (event) => {
        other.push(event.id);
      },
    });
    await otherGroup.ready;

    const stalled = await startMember("stall");
    const work = await bus.publishMany(
      Array.from({ length: 6 }, (_, n) => ({ type: "ho.work", data: { n, stall: n === 2 } })),
    );
    await eventually(async () => stalled.lines.some((line) => line.startsWith("stalling")), Boolean, 20_000);
    stalled.child.kill("SIGSTOP");
    const stoppedAt = Date.now();
    const pid = stalled.child.pid!;

    // The stalled session holds an xid: without the deadline, nothing written after it is deliverable anywhere.
    const bystanderEvent = await bus.publish("ho.other", { n: 1 });
    const successor = await startMember("run");

    await eventually(async () => other.includes(bystanderEvent.id), Boolean, BATCH_TIMEOUT_MS + 10_000);
    const bystanderDelay = Date.now() - stoppedAt;
    expect(other).toContain(bystanderEvent.id);

    await eventually(
      async () =>
        (await pool.query("SELECT count(DISTINCT event_id)::int AS n FROM handled WHERE pid <> $1", [pid]))
          .rows[0].n,
      (n) => n >= 4,
      BATCH_TIMEOUT_MS + 15_000,
    );
    const takeoverDelay = Date.now() - stoppedAt;
    // The server ended the stalled backend (idle_in_transaction_session_timeout), releasing lease and xid.
    const backends = await pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
      [`member-${pid}`],
    );
    const { rows } = await pool.query(
      "SELECT event_id, count(*)::int AS n FROM handled WHERE pid <> $1 GROUP BY event_id ORDER BY event_id",
      [pid],
    );
    const committedByStalled = await pool.query("SELECT count(*)::int AS n FROM handled WHERE pid = $1", [
      pid,
    ]);
    // Each event handled once by the successor; the stalled member's batch (events 0-2) never committed.
    expect(rows.map((row) => row.event_id)).toEqual(work.map((event) => event.id));
    expect(committedByStalled.rows[0].n).toBe(0);
    expect(backends.rows[0].n).toBeLessThanOrEqual(1); // its LISTEN connection may linger; its batch's is gone
    expect(bystanderDelay).toBeLessThan(BATCH_TIMEOUT_MS + 2_000);
    expect(takeoverDelay).toBeLessThan(BATCH_TIMEOUT_MS + 15_000); // includes starting the successor process
    console.log(
      `stalled member: bystander group delivered after ${bystanderDelay} ms, takeover complete after ${takeoverDelay} ms (bound ${BATCH_TIMEOUT_MS} ms)`,
    );

    stalled.child.kill("SIGCONT");
    stalled.child.kill("SIGKILL");
    successor.child.kill("SIGTERM");
    await successor.exited;
    await otherGroup.close();
  }, 90_000);

  it("a handler slower than handlerTimeoutMs fails with POSTBUS_HANDLER_TIMEOUT and is booked as a failed attempt", async () => {
    await bus.publish("ho.slow", { n: 1 });
    const errors: unknown[] = [];
    const stats = await bus.drain({
      group: "slow",
      channels: ["ho.slow"],
      batchTimeoutMs: 1_000,
      handlerTimeoutMs: 100,
      maxAttempts: 2,
      retryDelayMs: () => 10,
      handler: async (_event, { tx }) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Sent after the deadline: refused, never run inside the next attempt's batch.
        await tx
          .query("INSERT INTO handled (event_id, pid) VALUES (-1, -1)")
          .catch((error) => errors.push(error));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stats).toMatchObject({ handled: 0, failedAttempts: 2, deadLettered: 1 });
    const [dead] = await bus.listDeadLetters({ group: "slow" });
    expect(dead?.error).toMatch(/POSTBUS_HANDLER_TIMEOUT|took longer than 100 ms/);
    expect(errors.every((error) => isPostbusError(error, "POSTBUS_HANDLER_TIMEOUT"))).toBe(true);
    expect((await pool.query("SELECT count(*)::int AS n FROM handled WHERE event_id = -1")).rows[0].n).toBe(
      0,
    );
  });

  it("refuses a handlerTimeoutMs that is not below half of batchTimeoutMs", () => {
    expect(() =>
      bus.subscribe({
        group: "bad",
        channels: ["ho.x"],
        batchTimeoutMs: 2_000,
        handlerTimeoutMs: 1_000,
        handler() {},
      }),
    ).toThrow(
      expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID", subject: { field: "handlerTimeoutMs" } }),
    );
  });
});
