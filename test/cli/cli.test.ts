import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { LATEST_MIGRATION } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase, withClient } from "../support/test-database.js";

const db = useTestDatabase();
const root = fileURLToPath(new URL("../..", import.meta.url));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, out, err, json: () => out.map((line) => JSON.parse(line)) };
}

beforeAll(async () => {
  const result = await cli("migrate", "--database-url", db.url);
  expect(result.err).toEqual([]);
  expect(result.status).toBe(0);
});

describe("postbus cli", () => {
  it("migrate is idempotent and says what it applied", async () => {
    const again = await cli("migrate", "--database-url", db.url);
    expect(again.json()).toEqual([{ schema: "public", applied: [], version: LATEST_MIGRATION }]);
  });

  it("publish prints the stored event as a JSON line shaped like the ADR row", async () => {
    const result = await cli(
      "publish",
      "signal.triggered",
      '{"symbol":"BTC-USD"}',
      "--no-validate",
      "--database-url",
      db.url,
    );
    expect(result.status).toBe(0);
    const [event] = result.json();
    expect(event).toMatchObject({
      id: expect.any(Number),
      channel: "signal.triggered",
      position: expect.stringMatching(/^\d+:\d+$/),
      data: {
        event_type: "signal.triggered",
        data: { symbol: "BTC-USD" },
        metadata: { producer: "postbus-cli" },
      },
    });
  });

  it("latest prints newest first and reads rows a plain ADR INSERT wrote", async () => {
    await withClient(db.url, (client) =>
      client.query(
        `INSERT INTO events (channel, data) VALUES ('setup.received', '{"event_type":"setup.received","timestamp":"2025-05-15T10:30:45Z","data":{"setupId":"py-1"},"metadata":{}}')`,
      ),
    );
    await cli("publish", "setup.received", '{"setupId":"ts-2"}', "--no-validate", "--database-url", db.url);
    const result = await cli("latest", "setup.received", "--limit", "5", "--database-url", db.url);
    expect(result.status).toBe(0);
    expect(result.json().map((event) => event.data.data.setupId)).toEqual(["ts-2", "py-1"]);
  });

  it("read replays in delivery order after a position", async () => {
    const first = (
      await cli("publish", "replay.cli", "1", "--no-validate", "--database-url", db.url)
    ).json()[0];
    await cli("publish", "replay.cli", "2", "--no-validate", "--database-url", db.url);
    const pool = db.pool();
    await deliverable(pool);
    await pool.end();
    const all = (await cli("read", "replay.cli", "--database-url", db.url)).json();
    expect(all.map((event) => event.data.data)).toEqual([1, 2]);
    const rest = (
      await cli("read", "replay.cli", "--after", first.position, "--database-url", db.url)
    ).json();
    expect(rest.map((event) => event.data.data)).toEqual([2]);
  });

  it.each([
    [["publish", "signal.triggered", "{not json"], "POSTBUS_USAGE", 2],
    [["publish", "bad type", "{}"], "POSTBUS_NAME_INVALID", 1],
    [["publish", "ok", '{"__proto__":{"x":1}}'], "POSTBUS_JSON_FORBIDDEN_KEY", 1],
    [["latest", "ok", "--limit", "0"], "POSTBUS_USAGE", 2],
    [["read", "ok", "--after", "nope"], "POSTBUS_USAGE", 2],
    [["frobnicate"], "POSTBUS_USAGE", 2],
    [["latest", "ok", "--bogus"], "POSTBUS_USAGE", 2],
  ])("%j fails with %s and exit status %i, writing nothing", async (argv, code, status) => {
    const count = () =>
      withClient(
        db.url,
        async (client) => (await client.query("SELECT count(*)::int AS n FROM events")).rows[0].n,
      );
    const before = await count();
    const result = await cli(...argv, "--database-url", db.url);
    expect(result.status).toBe(status);
    expect(result.out).toEqual([]);
    expect(result.err.join("\n")).toContain(code);
    expect(await count()).toBe(before);
  });

  it("says how to give a database when none is given", async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const result = await cli("latest", "ok");
      expect(result.status).toBe(2);
      expect(result.err.join("\n")).toMatch(/--database-url.*DATABASE_URL/);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it.each([
    ["an unparseable URL", "postgres://me:pa ss/word@127.0.0.1:1/db"],
    ["a password with a slash", "postgres://me:pa/ss@127.0.0.1:1/db"],
    ["a password with an @", "postgres://me:p@ss@127.0.0.1:1/db"],
  ])("never echoes %s", async (_name, url) => {
    const result = await cli("latest", "ok", "--database-url", url);
    expect(result.status).toBeGreaterThan(0);
    const printed = result.err.join("\n");
    expect(printed).toMatch(/POSTBUS_(USAGE|DATABASE_ERROR)/);
    for (const secret of ["pa ss", "pa/ss", "p@ss"]) expect(printed).not.toContain(secret);
  });

  it("never prints the password of a database URL", async () => {
    const result = await cli("latest", "ok", "--database-url", "postgres://me:hunter2-secret@127.0.0.1:1/db");
    expect(result.status).toBe(1);
    expect(result.err.join("\n")).toContain("POSTBUS_DATABASE_ERROR");
    expect(result.err.join("\n")).not.toContain("hunter2-secret");
  });

  it("runs as a real process with DATABASE_URL from the environment", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "codegen/src/cli.ts", "latest", "signal.triggered", "--limit", "1"],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url } },
    );
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).channel).toBe("signal.triggered");
  });
});
