import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPostbus, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { listConnections, useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
const root = fileURLToPath(new URL("../..", import.meta.url));
let pool: pg.Pool;
let bus: Postbus;

async function cli(argv: string[], signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli([...argv, "--database-url", db.url], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...(signal ? { signal } : {}),
  });
  return { status, out, err, json: () => out.map((line) => JSON.parse(line)) };
}

beforeAll(async () => {
  expect((await cli(["migrate"])).status).toBe(0);
  pool = db.pool({ max: 4 });
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

describe("postbus consume", () => {
  it("--once prints the events it handles as JSON lines and commits, so a second run prints nothing", async () => {
    const events = await bus.publishMany([1, 2, 3].map((n) => ({ type: "cc.once", data: { n } })));
    await deliverable(pool);
    const first = await cli(["consume", "tail", "--channel", "cc.once", "--once"]);
    expect(first.status).toBe(0);
    expect(first.json()).toEqual(
      events.map((event) => ({
        id: event.id,
        channel: "cc.once",
        position: event.position,
        created_at: event.createdAt.toISOString(),
        data: event.envelope,
      })),
    );
    expect(first.err).toEqual(['postbus: consumer group "tail" handled 3 events']);
    const second = await cli(["consume", "tail", "--channel", "cc.once", "--once"]);
    expect(second).toMatchObject({ status: 0, out: [] });
    const json = await cli(["consume", "tail", "--channel", "cc.once", "--once", "--json"]);
    expect(json.json()).toEqual([
      { group: "tail", handled: 0, failedAttempts: 0, deadLettered: 0, redriven: 0 },
    ]);
  });

  it("reads several channels in delivery order and starts a new group where --from says", async () => {
    const events = await bus.publishMany([
      { type: "cc.one", data: 1 },
      { type: "cc.two", data: 2 },
      { type: "cc.one", data: 3 },
    ]);
    await deliverable(pool);
    const both = await cli(["consume", "both", "--channel", "cc.one", "--channel", "cc.two", "--once"]);
    expect(both.json().map((event) => event.data.data)).toEqual([1, 2, 3]);
    const fromNow = await cli(["consume", "late", "--channel", "cc.one", "--from", "now", "--once"]);
    expect(fromNow.out).toEqual([]);
    const after = await cli([
      "consume",
      "after",
      "--channel",
      "cc.one",
      "--from",
      events[0]!.position,
      "--once",
    ]);
    expect(after.json().map((event) => event.data.data)).toEqual([3]);
  });

  it("runs until stopped, then closes cleanly with exit status 0", async () => {
    const stop = new AbortController();
    const out: string[] = [];
    const running = runCli(["consume", "live", "--channel", "cc.live", "--database-url", db.url], {
      out: (line) => out.push(line),
      err: () => {},
      signal: stop.signal,
    });
    await bus.publish("cc.live", { hello: true });
    await eventually(
      async () => out.length,
      (n) => n >= 1,
    );
    stop.abort();
    expect(await running).toBe(0);
    expect(out.map((line) => JSON.parse(line).data.data)).toEqual([{ hello: true }]);
  });

  it("as a real process, stops on SIGTERM with exit status 0 and leaves no connection open", async () => {
    await bus.publish("cc.process", { n: 1 });
    await deliverable(pool);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "codegen/src/cli.ts", "consume", "proc", "--channel", "cc.process"],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    try {
      await eventually(
        async () => stdout,
        (text) => text.includes("\n"),
        20_000,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(stdout.trim().split("\n")[0]!).data.data).toEqual({ n: 1 });
    expect(stderr).toContain('consumer group "proc" handled 1 event');
    const open = await eventually(
      () => listConnections(db.adminUrl, db.name),
      (connections) => connections.every((c) => c.applicationName !== "postbus-cli"),
      5_000,
    );
    expect(open.filter((c) => c.applicationName === "postbus-cli")).toEqual([]);
  });
});

describe("postbus dlq", () => {
  it("lists dead letters and asks the group to redrive them; the next consume prints them", async () => {
    const [poison] = await bus.publishMany([{ type: "cc.dlq", data: { poison: true } }]);
    await deliverable(pool);
    await bus.drain({
      group: "cli-dlq",
      channels: "cc.dlq",
      maxAttempts: 1,
      handler: () => {
        throw new Error("poisoned");
      },
    });
    const listed = await cli(["dlq", "list", "--group", "cli-dlq"]);
    expect(listed.status).toBe(0);
    const [letter] = listed.json();
    expect(listed.out).toHaveLength(1);
    expect(letter).toMatchObject({
      group: "cli-dlq",
      eventId: poison!.id,
      position: poison!.position,
      status: "dead",
      error: "Error: poisoned",
      attempts: 1,
      data: { event_type: "cc.dlq", data: { poison: true } },
    });
    expect((await cli(["dlq", "list", "--status", "redrive"])).out).toEqual([]);
    expect((await cli(["dlq", "list", "--group", "cli-dlq", "--limit", "1"])).out).toHaveLength(1);

    const redrive = await cli(["dlq", "redrive", "cli-dlq", "--id", letter.id]);
    expect(redrive.json()).toEqual([{ group: "cli-dlq", marked: 1 }]);
    expect((await cli(["dlq", "list", "--status", "redrive"])).json().map((row) => row.id)).toEqual([
      letter.id,
    ]);

    const consumed = await cli(["consume", "cli-dlq", "--channel", "cc.dlq", "--once", "--json"]);
    const [printed, summary] = consumed.json();
    expect(printed).toMatchObject({ id: poison!.id, data: { data: { poison: true } } });
    expect(summary).toMatchObject({ group: "cli-dlq", handled: 0, redriven: 1 });
    expect((await cli(["dlq", "list", "--group", "cli-dlq"])).json()[0].status).toBe("redriven");
    expect((await cli(["dlq", "redrive", "cli-dlq"])).json()).toEqual([{ group: "cli-dlq", marked: 0 }]);
  });
});

describe("postbus status", () => {
  it("--json prints the status object on one line", async () => {
    await bus.publish("cc.status", 1);
    await deliverable(pool);
    await cli(["consume", "watched", "--channel", "cc.status", "--once"]);
    await bus.publish("cc.status", 2);
    const result = await cli(["status", "--json"]);
    expect(result.status).toBe(0);
    expect(result.out).toHaveLength(1);
    const status = JSON.parse(result.out[0]!);
    expect(status.server.readHorizon).toMatch(/^\d+$/);
    expect(status.groups.find((group: { group: string }) => group.group === "watched")).toMatchObject({
      channels: [{ channel: "cc.status", lagEvents: 1, lagCapped: false }],
      failing: null,
      deadLetters: { dead: 0, redrive: 0, redriven: 0 },
    });
    expect(status.channels).toContainEqual(
      expect.objectContaining({ channel: "cc.status", events: 2, lastEventAt: expect.any(String) }),
    );
    expect(status.table.totalBytes).toBeGreaterThan(0);
  });

  it("is human-readable by default", async () => {
    const result = await cli(["status"]);
    expect(result.status).toBe(0);
    const text = result.out.join("\n");
    expect(text).toMatch(/^PostgreSQL \d+.*schema public, read horizon \d+/);
    expect(text).toContain("Consumer groups:");
    expect(text).toMatch(/ {4}cc\.status at \d+:\d+: 1 behind, oldest [\d.]+ s/);
    expect(text).toMatch(/ {2}cc\.status: 2 events, last \d{4}-/);
    expect(text).toMatch(/Table: [\d,]+ events, [\d.]+ [kM]?B, 1 dead letters/);
  });
});

describe("bad usage", () => {
  it.each([
    [["consume", "g"], "POSTBUS_USAGE", 2],
    [["consume", "--channel", "x"], "POSTBUS_USAGE", 2],
    [["consume", "g", "h", "--channel", "x"], "POSTBUS_USAGE", 2],
    [["consume", "g", "--channel", "x", "--from", "2024-13-45"], "POSTBUS_USAGE", 2],
    [["consume", "g", "--channel", "x", "--from", "yesterday", "--once"], "POSTBUS_USAGE", 2],
    [["consume", "bad group", "--channel", "x", "--once"], "POSTBUS_NAME_INVALID", 1],
    [["dlq"], "POSTBUS_USAGE", 2],
    [["dlq", "purge"], "POSTBUS_USAGE", 2],
    [["dlq", "list", "--status", "lost"], "POSTBUS_USAGE", 2],
    [["dlq", "list", "--limit", "0"], "POSTBUS_USAGE", 2],
    [["dlq", "redrive"], "POSTBUS_USAGE", 2],
    [["dlq", "redrive", "g", "--id", "x"], "POSTBUS_USAGE", 2],
    [["status", "extra"], "POSTBUS_USAGE", 2],
    [["status", "--bogus"], "POSTBUS_USAGE", 2],
    [["publish", "t", "1", "--channel", "a", "--channel", "b"], "POSTBUS_USAGE", 2],
  ])("%j fails with %s and exit status %i, changing nothing", async (argv, code, status) => {
    const groups = async () => (await pool.query("SELECT count(*)::int AS n FROM postbus_groups")).rows[0].n;
    const before = await groups();
    const result = await cli(argv);
    expect(result.status).toBe(status);
    expect(result.out).toEqual([]);
    expect(result.err.join("\n")).toContain(code);
    expect(await groups()).toBe(before);
  });

  it("help lists the new commands", async () => {
    const help: string[] = [];
    const result = await runCli(["--help"], { out: (line) => void help.push(line), err: () => {} });
    expect(result).toBe(0);
    for (const command of ["postbus consume", "postbus dlq list", "postbus dlq redrive", "postbus status"]) {
      expect(help.join("\n")).toContain(command);
    }
  });
});
