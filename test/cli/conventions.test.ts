import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { fromPool, migrate } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandSpec } from "../../codegen/src/cli/command-spec.js";
import { GENERATOR_COMMANDS } from "../../codegen/src/cli/commands/generator/index.js";
import { RUNTIME_COMMANDS } from "../../codegen/src/cli/commands/runtime/index.js";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
let pool: pg.Pool;

// The ANSI escape that starts every colour sequence.
const ESC = "\u001b[";

async function cli(argv: string[], colour?: { out: boolean; err: boolean }, cwd?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...(colour === undefined ? {} : { colour }),
    ...(cwd === undefined ? {} : { cwd }),
  });
  return { status, out: out.join("\n"), err: err.join("\n") };
}

/** Every command and subcommand by its words: `["dlq", "redrive"]`. */
function commandPaths(specs: readonly CommandSpec[], above: string[] = []): string[][] {
  return specs.flatMap((spec) =>
    spec.subcommands === undefined
      ? [[...above, spec.name]]
      : [[...above, spec.name], ...commandPaths(spec.subcommands, [...above, spec.name])],
  );
}

const count = async () => Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);
const schemaExists = async (name: string) =>
  (await pool.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [name])).rowCount === 1;

beforeAll(async () => {
  pool = db.pool({ max: 2 });
  await migrate(fromPool(pool));
});
afterAll(async () => {
  await pool.end();
});

describe("--version", () => {
  it("prints the version of @postbus/codegen and exits 0, as -v too", async () => {
    const { version } = JSON.parse(
      await readFile(new URL("../../codegen/package.json", import.meta.url), "utf8"),
    );
    expect(await cli(["--version"])).toEqual({ status: 0, out: version, err: "" });
    expect(await cli(["-v"])).toEqual({ status: 0, out: version, err: "" });
  });

  it("works in a real process", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "codegen/src/cli.ts", "--version"], {
      cwd: root,
    });
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});

describe("help per command", () => {
  it("migrate --help, migrate -h and help migrate all print migrate's help, not the global one", async () => {
    const flag = await cli(["migrate", "--help"]);
    expect(flag.status).toBe(0);
    expect(flag.out).toMatch(/^Usage: postbus migrate \[options\]$/m);
    expect(flag.out).toContain("--schema <name>");
    expect(flag.out).toContain("Examples:");
    expect(flag.out).not.toContain("Runtime commands");
    expect(await cli(["migrate", "-h"])).toEqual(flag);
    expect(await cli(["help", "migrate"])).toEqual(flag);
  });

  it("help reaches subcommands: help dlq redrive is dlq redrive --help", async () => {
    const redrive = await cli(["help", "dlq", "redrive"]);
    expect(redrive.status).toBe(0);
    expect(redrive.out).toMatch(/^Usage: postbus dlq redrive \[options\] <group>$/m);
    expect(await cli(["dlq", "redrive", "--help"])).toEqual(redrive);
  });

  it.each(
    commandPaths([...GENERATOR_COMMANDS, ...RUNTIME_COMMANDS]).map((words) => [words.join(" "), words]),
  )("postbus %s --help shows its usage, and examples for a command that runs", async (_name, words) => {
    const help = await cli([...words, "--help"]);
    expect(help.status).toBe(0);
    expect(help.out).toMatch(new RegExp(`^Usage: postbus ${words.join(" ")} `, "m"));
    const isGroup =
      words.length === 1 && [...RUNTIME_COMMANDS].find((spec) => spec.name === words[0])?.subcommands;
    if (!isGroup) expect(help.out).toMatch(/\nExamples:\n {2}# .+\n {2}\$ postbus /);
  });

  it("the global help lists the generator's and the runtime's commands apart, with examples", async () => {
    const help = await cli(["--help"]);
    expect(help.status).toBe(0);
    const generator = help.out.indexOf("Generator commands");
    const runtime = help.out.indexOf("Runtime commands");
    expect(generator).toBeGreaterThan(0);
    expect(runtime).toBeGreaterThan(generator);
    expect(help.out.slice(generator, runtime)).toMatch(/^ {2}generate /m);
    expect(help.out.slice(runtime)).toMatch(/^ {2}migrate /m);
    expect(help.out).toContain("Examples:");
  });
});

describe("flags are per command", () => {
  it("refuses migrate --watch with exit 2 and migrates nothing, naming the command that takes it", async () => {
    const schema = "conventions_watch";
    const result = await cli(["migrate", "--watch", "--schema", schema, "--database-url", db.url]);
    expect(result.status).toBe(2);
    expect(result.out).toBe("");
    expect(result.err).toBe(
      "postbus: POSTBUS_USAGE: Unknown option --watch for postbus migrate. --watch is an option of postbus generate. Run postbus migrate --help for its options",
    );
    expect(await schemaExists(schema)).toBe(false);
  });

  it.each([
    [["migrate", "--shema", "x"], "Unknown option --shema for postbus migrate", "Did you mean --schema?"],
    [["latest", "ok", "--limt", "3"], "Unknown option --limt for postbus latest", "Did you mean --limit?"],
    [
      ["consume", "g", "--chanel", "x"],
      "Unknown option --chanel for postbus consume",
      "Did you mean --channel?",
    ],
    [["migrat"], 'Unknown command "migrat"', "Did you mean migrate?"],
    [["dlq", "lst"], 'Unknown command "dlq lst"', "Did you mean list?"],
    [["help", "stauts"], 'Unknown command "stauts"', "Did you mean status?"],
  ])("%j: %s, with a did-you-mean", async (argv, message, suggestion) => {
    const result = await cli(argv);
    expect(result.status).toBe(2);
    expect(result.err).toContain(`postbus: POSTBUS_USAGE: ${message}. ${suggestion}`);
  });

  it("refuses a value given to a switch", async () => {
    const result = await cli(["consume", "g", "--channel", "x", "--once=yes"]);
    expect(result.status).toBe(2);
    expect(result.err).toContain("--once takes no value (got --once=yes)");
  });
});

describe("exit status 2 for every usage error", () => {
  it.each([
    [["latest", "ok", "--limit", "abc"], "--limit must be a whole number"],
    [["read", "ok", "--after", "5"], '--after "5" is not a position'],
    [["read", "ok", "--after", "1:2:3"], '--after "1:2:3" is not a position'],
    [
      ["consume", "g", "--channel", "x", "--from", "yesterday", "--once"],
      '--from "yesterday" is not a start',
    ],
    [
      ["consume", "g", "--channel", "x", "--from", "99999999999999999999999:1", "--once"],
      "is not a position",
    ],
    [["consume", "g", "--channel", "x", "--from", "2024-13-45", "--once"], "is not a valid time"],
    [["latest"], "postbus latest needs its <channel> argument"],
    [["latest", "a", "b"], 'postbus latest takes 1 argument (got "b" too)'],
    [["latest", "a", "--database-url", "$URL", "--limit"], "--limit needs a value"],
    [["migrate", "extra"], 'postbus migrate takes no arguments (got "extra" too)'],
    [["publish", "t"], "postbus publish needs its <json> argument"],
    [["publish", "t", "{nope", "--no-validate"], "<json payload> is not valid JSON"],
    [
      ["request", "t", "{}", "--no-validate", "--timeout-ms", "soon"],
      "--timeout-ms must be a positive integer",
    ],
    [["status", "--format", "xml"], "--format must be text, json or prometheus"],
    [["prune", "--older-than", "5"], "--older-than must be a number and a unit"],
    [["metrics", "--port", "http"], "--port must be an integer"],
    [["dlq", "list", "--status", "lost"], "--status must be one of dead, redrive, redriven"],
    [["dlq", "$NO_URL"], "postbus dlq needs a command: list or redrive"],
    [["$NO_URL"], "No command given"],
    [["--schema", "x", "migrate"], "Unknown option --schema for postbus"],
  ])("%j: %s", async (argv, message) => {
    const before = await count();
    // The test database's URL goes last, unless the row places it ($URL) or has none ($NO_URL).
    const given = argv.filter((arg) => arg !== "$NO_URL").map((arg) => (arg === "$URL" ? db.url : arg));
    const placed = argv.includes("$URL") || argv.includes("$NO_URL");
    const result = await cli(placed ? given : [...given, "--database-url", db.url]);
    expect(result.status).toBe(2);
    expect(result.out).toBe("");
    const last = result.err.split("\n").at(-1);
    expect(last).toMatch(/^postbus: POSTBUS_USAGE: /);
    expect(last).toContain(message);
    expect(await count()).toBe(before);
  });
});

describe("--flag=value and --flag value", () => {
  it("read the same", async () => {
    const published = await cli([
      "publish",
      "conventions.eq",
      '{"n":1}',
      "--no-validate",
      "--producer=conventions",
      `--database-url=${db.url}`,
    ]);
    expect(published.status).toBe(0);
    expect(JSON.parse(published.out).data.metadata.producer).toBe("conventions");
    const spaced = await cli(["latest", "conventions.eq", "--limit", "1", "--database-url", db.url]);
    const joined = await cli(["latest", "conventions.eq", "--limit=1", `--database-url=${db.url}`]);
    expect(spaced.status).toBe(0);
    expect(joined).toEqual(spaced);
    expect(JSON.parse(spaced.out).data.data).toEqual({ n: 1 });
  });

  it("repeat a repeatable option either way", async () => {
    await deliverable(pool);
    const result = await cli([
      "consume",
      "conventions-eq",
      "--channel=conventions.eq",
      "--channel",
      "conventions.other",
      "--once",
      "--json",
      "--database-url",
      db.url,
    ]);
    expect(result.status).toBe(0);
    const lines = result.out.split("\n").map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ group: "conventions-eq", handled: 1 });
    const cursors = await pool.query(
      "SELECT channel FROM postbus_cursors WHERE group_name = 'conventions-eq' ORDER BY channel",
    );
    expect(cursors.rows.map((row) => row.channel)).toEqual(["conventions.eq", "conventions.other"]);
  });
});

describe("colour", () => {
  it("in-process: only where the io says the stream is coloured", async () => {
    expect((await cli(["migrate", "--help"])).out).not.toContain(ESC);
    expect((await cli(["migrate", "--help"], { out: true, err: false })).out).toContain(`${ESC}1mUsage:`);
    const refused = await cli(["migrate", "--watch"], { out: false, err: true });
    expect(refused.err).toContain(`postbus: ${ESC}31mPOSTBUS_USAGE${ESC}39m: Unknown option --watch`);
    expect((await cli(["migrate", "--watch"], { out: true, err: false })).err).not.toContain(ESC);
  });

  // `script` (util-linux) runs the command on a pseudo-terminal, as a person's shell would.
  const onTerminal = (command: string, env: NodeJS.ProcessEnv) =>
    run("script", ["-qec", command, "/dev/null"], { cwd: root, env }).catch(
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
    );
  const cliCommand = (args: string) => `${process.execPath} --import tsx codegen/src/cli.ts ${args}`;
  // A person's terminal: it says what it is, and is no CI job. Node reports no colours with TERM
  // unset, and with CI set (unless it recognises the CI service).
  const { NO_COLOR: _unset, CI: _ci, ...rest } = process.env;
  const env = { ...rest, TERM: "xterm-256color" };

  it("a real process on a terminal colours its help and errors", async () => {
    expect((await onTerminal(cliCommand("migrate --help"), env)).stdout).toContain(`${ESC}1mUsage:`);
    const refused = await onTerminal(cliCommand("migrate --watch"), env);
    expect(refused.stdout).toContain(`${ESC}31mPOSTBUS_USAGE`);
    expect("code" in refused && refused.code).toBe(2);
  });

  it("never under NO_COLOR, even on a terminal", async () => {
    const help = await onTerminal(cliCommand("migrate --help"), { ...env, NO_COLOR: "1" });
    expect(help.stdout).toContain("Usage: postbus migrate");
    expect(help.stdout).not.toContain(ESC);
    const refused = await onTerminal(cliCommand("migrate --watch"), { ...env, NO_COLOR: "1" });
    expect(refused.stdout).toContain("postbus: POSTBUS_USAGE: Unknown option --watch");
    expect(refused.stdout).not.toContain(ESC);
  });

  it("never when piped", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "codegen/src/cli.ts", "migrate", "--help"],
      {
        cwd: root,
        env,
      },
    );
    expect(stdout).toContain("Usage: postbus migrate");
    expect(stdout).not.toContain(ESC);
    const refused = await run(
      process.execPath,
      ["--import", "tsx", "codegen/src/cli.ts", "migrate", "--watch"],
      {
        cwd: root,
        env,
      },
    ).catch((error: { stderr: string; code: number }) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toBe(
      "postbus: POSTBUS_USAGE: Unknown option --watch for postbus migrate. --watch is an option of postbus generate. Run postbus migrate --help for its options\n",
    );
  });
});

describe("without a config", () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), "postbus-no-config-"));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it.each([["generate"], ["docs"], ["asyncapi"], ["build"], ["check"], ["generate", "--watch"]])(
    "%s says no config was found, where it looked, and what to do; exit 2, nothing written",
    async (...argv) => {
      const result = await cli(argv, undefined, empty);
      expect(result.status).toBe(2);
      expect(result.out).toBe("");
      expect(result.err).not.toContain("postbus.config.json:1:1");
      const looked = [empty];
      while (path.dirname(looked.at(-1)!) !== looked.at(-1)) looked.push(path.dirname(looked.at(-1)!));
      expect(result.err).toBe(
        `postbus: POSTBUS_USAGE: No postbus.config.json found in ${empty} or any folder above it, and no schemas/ folder there. Looked for postbus.config.json in ${looked.join(", ")}. Run postbus init to start a project here, or pass --config PATH`,
      );
      expect(await readdir(empty)).toEqual([]);
    },
  );

  it.each([
    ["generate", "--config", "missing.json"],
    ["status", "--config", "missing.json", "--database-url", "$URL"],
    ["publish", "conventions.cfg", "{}", "--config", "missing.json", "--database-url", "$URL"],
  ])("%s with --config naming no file is a usage error naming the path", async (...argv) => {
    const before = await count();
    const result = await cli(
      argv.map((arg) => (arg === "$URL" ? db.url : arg)),
      undefined,
      empty,
    );
    expect(result.status).toBe(2);
    expect(result.err).toBe(
      `postbus: POSTBUS_USAGE: No config file at ${path.join(empty, "missing.json")} (--config missing.json). Check the path, or run postbus init in the project's folder to create its postbus.config.json`,
    );
    expect(await count()).toBe(before);
    expect(await readdir(empty)).toEqual([]);
  });

  it("a plain schemas/ folder still generates with the defaults", async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), "postbus-plain-"));
    try {
      await mkdir(path.join(plain, "schemas"));
      const result = await cli(["generate", "--no-build"], undefined, plain);
      expect(result.err).toBe("");
      expect(result.status).toBe(0);
      expect(await readdir(path.join(plain, "packages/types/src"))).toContain("index.ts");
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
