import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { spawnFixture } from "../support/fixture-process.js";
import { expectExactlyOnceInKeyOrder, handledCount } from "../support/key-order.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const fixture = fileURLToPath(new URL("./fixtures/partitioned-member.ts", import.meta.url));
const children = new Set<ChildProcess>();

beforeAll(async () => {
  pool = db.pool({ max: 8 });
  await migrate(fromPool(pool));
  await pool.query(
    "CREATE TABLE handled (n bigserial PRIMARY KEY, group_name text, event_id int, key text, seq int, pid int)",
  );
  bus = createPostbus({ db: pool });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await bus.close();
});

/** Starts a member process and resolves once it says `ready`. */
async function startMember(group: string, channel: string, concurrency: number, mode = "run") {
  const member = spawnFixture(fixture, [db.url, group, channel, "8", String(concurrency), mode], children);
  await eventually(async () => member.lines.includes("ready"), Boolean, 20_000);
  if (!member.lines.includes("ready")) throw new Error(`member of ${group} did not start`);
  return member;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes `rounds` rounds of one event per key, `pauseMs` apart; resolves with the ids. */
async function publishRounds(channel: string, keys: number, rounds: number, pauseMs: number) {
  const ids: number[] = [];
  for (let seq = 0; seq < rounds; seq++) {
    const batch = await bus.publishMany(
      Array.from({ length: keys }, (_, k) => ({
        type: channel,
        data: { key: `k${k}`, seq },
        partitionKey: `k${k}`,
      })),
    );
    ids.push(...batch.map((event) => event.id));
    await sleep(pauseMs);
  }
  return ids;
}

describe("partitioned groups across processes", () => {
  it("a member SIGKILLed mid-batch: its partition is taken over, and every handler row is written once", async () => {
    const doomed = await startMember("killed", "pp.kill", 4, "hang-at-3");
    const steady = await startMember("killed", "pp.kill", 2);
    const ids = await publishRounds("pp.kill", 16, 10, 5);
    await eventually(async () => doomed.lines.some((line) => line.startsWith("hanging")), Boolean, 20_000);
    const hangingLine = doomed.lines.find((line) => line.startsWith("hanging"));
    expect(hangingLine).toBeDefined();
    // Killed at once: its hung batch holds a transaction id, and so the server-wide read horizon.
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    await eventually(
      () => handledCount(pool, "killed"),
      (n) => n >= ids.length,
      30_000,
    );
    await sleep(300);
    steady.child.kill("SIGTERM");
    expect(await steady.exited).toBe(0);
    await expectExactlyOnceInKeyOrder(pool, "killed", ids);
    // The event the killed member hung on was handled (once, committed) by the one left.
    const hung = Number(hangingLine!.split(" ")[1]);
    expect(steady.lines).toContain(`handled ${hung}`);
  }, 60_000);

  it("members joining, leaving and dying while events flow share the partitions and lose nothing", async () => {
    const members = [await startMember("churn", "pp.churn", 4)];
    const publishing = publishRounds("pp.churn", 24, 80, 80);
    await sleep(200);
    members.push(await startMember("churn", "pp.churn", 4));
    await sleep(200);
    members.push(await startMember("churn", "pp.churn", 2));
    await sleep(200);
    members[0]!.child.kill("SIGTERM"); // leaves cleanly
    await members[0]!.exited;
    await sleep(200);
    members[1]!.child.kill("SIGKILL"); // dies, maybe mid-batch
    await members[1]!.exited;
    members.push(await startMember("churn", "pp.churn", 4));
    const ids = await publishing;
    await eventually(
      () => handledCount(pool, "churn"),
      (n) => n >= ids.length,
      30_000,
    );
    await sleep(300);
    for (const member of members.slice(2)) member.child.kill("SIGTERM");
    await Promise.all(members.slice(2).map((member) => member.exited));
    await expectExactlyOnceInKeyOrder(pool, "churn", ids);
    const { rows } = await pool.query<{ pid: number }>(
      "SELECT DISTINCT pid FROM handled WHERE group_name = 'churn'",
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
