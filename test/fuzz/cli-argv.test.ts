import { randomBytes } from "node:crypto";
import { fromPool, migrate } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
// A role of this run's own with a password that must never appear in any output.
const role = `pb_fuzz_${randomBytes(4).toString("hex")}`;
const password = `Secret-${randomBytes(6).toString("hex")}`;
let url: string;

beforeAll(async () => {
  pool = db.pool({ max: 2 });
  await migrate(fromPool(pool));
  await pool.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  const parsed = new URL(db.url);
  parsed.username = role;
  parsed.password = password;
  url = parsed.toString();
});
afterAll(async () => {
  // A fuzzed command may have created something as the role (a schema named by --schema, say):
  // hand it to the test's own user, then the role has nothing left and can go.
  await pool.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
  await pool.query(`DROP OWNED BY ${role}`);
  await pool.query(`DROP ROLE ${role}`);
});

const count = async () => Number((await pool.query("SELECT count(*) AS n FROM events")).rows[0].n);

// Commands that touch only the database (generate, docs and asyncapi write files; request waits for a reply).
const commands = [
  "migrate",
  "publish",
  "latest",
  "read",
  "consume",
  "dlq",
  "status",
  "help",
  "bogus",
  "list",
  "redrive",
];
const flags = [
  "--channel",
  "--limit",
  "--after",
  "--from",
  "--once",
  "--json",
  "--group",
  "--status",
  "--id",
  "--metadata",
  "--producer",
  "--schema",
  "--database-url",
  "--help",
  "-h",
  "--bogus",
  "--",
];
const values = fc.oneof(
  fc.constantFrom(
    "fz.cli",
    "beginning",
    "now",
    "1:1",
    "0:0",
    "{}",
    "[]",
    '{"a":1}',
    '{"event_id":"not-a-uuid"}',
    "pg_catalog",
    "-1",
    "0",
    "10001",
    "2024-01-01",
    "2024-99-99",
    "postgres://u:pw@127.0.0.1:1/x",
    "dead",
    "redrive",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.integer().map(String),
);
const argv = fc
  .tuple(
    fc.constantFrom(...commands),
    fc.array(fc.oneof(fc.constantFrom(...flags), values), { maxLength: 7 }),
    fc.boolean(),
  )
  .map(([command, rest, withUrl]) => [command, ...rest, ...(withUrl ? ["--database-url", url] : [])]);

describe("fuzzed command lines (fast-check)", () => {
  it("every command line exits 0, 1 or 2; a failure prints one coded line without the password and writes nothing", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const before = await count();
        const out: string[] = [];
        const err: string[] = [];
        // `consume` without --once runs until stopped: stop it soon.
        const signal = AbortSignal.timeout(300);
        const status = await runCli(args, {
          out: (line) => out.push(line),
          err: (line) => err.push(line),
          signal,
        });
        statuses.add(status);
        expect([0, 1, 2]).toContain(status);
        const everything = [...out, ...err].join("\n");
        expect(everything.includes(password), `the password leaked for ${JSON.stringify(args)}`).toBe(false);
        if (status === 0) return;
        const last = err.at(-1) ?? "";
        expect(last, `for ${JSON.stringify(args)}`).toMatch(/^postbus: POSTBUS_[A-Z_]+: /);
        if (status === 2) expect(last).toMatch(/^postbus: POSTBUS_USAGE: /);
        expect(await count(), `a failed command wrote events: ${JSON.stringify(args)}`).toBe(before);
      }),
      {
        numRuns: 300,
        // Known failures of each kind, besides the random ones: an input error (1), a bad URL (2).
        examples: [
          [["publish", "fz.cli", "{}", "--metadata", '{"event_id":"x"}', "--database-url", url]],
          [["latest", "fz.cli", "--database-url", "not a url"]],
        ],
      },
    );
    expect([...statuses].sort()).toEqual([0, 1, 2]);
  }, 120_000);
});
