import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { spawnFixture } from "../support/fixture-process.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  pool = db.pool({ max: 8 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE answered (request_id text, pid int)");
  bus = createPostbus({ db: pool });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await bus.close();
});

/** Starts a fixture of this folder with the database URL first. */
const start = (fixture: string, args: string[]) =>
  spawnFixture(fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), [db.url, ...args], children);

async function startResponder(mode: string) {
  const responder = start("responder-process.ts", [mode]);
  await eventually(async () => responder.lines.includes("ready"), Boolean, 30_000);
  if (!responder.lines.includes("ready")) throw new Error("responder did not start");
  return responder;
}

const stop = async (process: { child: ChildProcess; exited: Promise<number | null> }) => {
  process.child.kill("SIGTERM");
  return process.exited;
};

describe("request-response across processes", () => {
  it("1,000 concurrent requests from four processes, two responders: each request gets its own reply, answered once", async () => {
    const responders = [await startResponder("run"), await startResponder("run")];
    const requesters = ["alpha", "bravo", "charlie", "delta"].map((name) =>
      start("requester-process.ts", [name, "250"]),
    );
    const codes = await Promise.all(requesters.map((requester) => requester.exited));
    for (const requester of requesters) {
      expect(requester.lines.find((line) => line.startsWith("done"))).toMatch(/^done ok=250 bad=0 /);
    }
    expect(codes).toEqual([0, 0, 0, 0]);
    await Promise.all(responders.map(stop));

    const replies = await pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT data->'metadata'->>'request_id')::int AS requests
       FROM events WHERE data->>'event_type' = 'calc.answered'`,
    );
    expect(replies.rows[0]).toEqual({ n: 1000, requests: 1000 });
    const answered = await pool.query(
      "SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS requests FROM answered",
    );
    expect(answered.rows[0]).toEqual({ n: 1000, requests: 1000 });
  });

  it("a responder killed mid-request leaves the request to another, which answers it once", async () => {
    await pool.query("TRUNCATE answered");
    const doomed = await startResponder("hang-first");
    const reply = bus.request("calc.requested", { n: 21, requester: "kill-test" }, { timeoutMs: 60_000 });
    await eventually(async () => doomed.lines.some((line) => line.startsWith("hanging")), Boolean, 30_000);
    const requestId = doomed.lines.find((line) => line.startsWith("hanging"))!.split(" ")[1];
    const survivor = await startResponder("run");
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    const answer = await reply;
    expect(answer.data).toEqual({ n: 21, doubled: 42, requester: "kill-test" });
    expect(answer.envelope.metadata.request_id).toBe(requestId);
    await stop(survivor);
    const rows = await pool.query("SELECT pid FROM answered WHERE request_id = $1", [requestId]);
    expect(rows.rows).toEqual([{ pid: survivor.child.pid }]);
    const replies = await pool.query(
      "SELECT count(*)::int AS n FROM events WHERE data->'metadata'->>'request_id' = $1",
      [requestId],
    );
    expect(replies.rows[0].n).toBe(1);
  });
});
