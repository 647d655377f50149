/**
 * `postbus check` end to end, as a process in a temporary git repository holding a copy
 * of this repository's contracts: the edits of issue 11 exit 1 naming each breaking
 * change with file, pointer and counterexample; compatible edits exit 0; a change in a
 * shared definition is reported at every event that reaches it; renames need a
 * declaration; bad input exits 2 and writes nothing.
 */
import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckOutput } from "../../../codegen/src/compat/format-report.js";

const exec = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));
const CLI = path.join(repositoryRoot, "codegen/src/cli.ts");
/** tsx's loader by URL: the temporary repositories have no node_modules to resolve it from. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in a process of its own, in `cwd`. */
function postbus(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
      cwd,
      // tsx resolves @postbus/client to its source through the repository's tsconfig paths, wherever the process runs.
      env: {
        ...process.env,
        DATABASE_URL: "",
        NO_COLOR: "1",
        TSX_TSCONFIG_PATH: path.join(repositoryRoot, "tsconfig.json"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The JSON a run printed; fails with its stderr when there is none. */
function parsed(run: Run): CheckOutput {
  try {
    return JSON.parse(run.stdout) as CheckOutput;
  } catch {
    throw new Error(`postbus check printed no JSON (exit ${run.status}); stderr:\n${run.stderr}`);
  }
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("git", args, { cwd });
  return stdout;
}

let project: string;
const scratch: string[] = [];

/** A fresh commit of the repository's contracts in a new git repository. */
async function contractsRepository(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "postbus-check-"));
  scratch.push(root);
  // Without the upcasters: these edits change v1 in ways its upcaster would no longer compile
  // with; test/codegen/compat/check-upcasters-cli.test.ts checks upcasters.
  await cp(path.join(repositoryRoot, "schemas"), path.join(root, "schemas"), {
    recursive: true,
    filter: (source) => path.basename(source) !== "upcasters",
  });
  await writeFile(
    path.join(root, "postbus.config.json"),
    JSON.stringify({ schemas: "schemas", definitions: ["schemas/shared/**"] }, null, 2),
  );
  await git(root, "init", "-q", "-b", "main");
  await git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
  await git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "contracts");
  return root;
}

async function edit(
  root: string,
  file: string,
  // biome-ignore lint/suspicious/noExplicitAny: a test edits JSON files freely
  change: (schema: Record<string, any>) => void,
): Promise<void> {
  const target = path.join(root, file);
  const schema = JSON.parse(await readFile(target, "utf8"));
  change(schema);
  await writeFile(target, `${JSON.stringify(schema, null, 2)}\n`);
}

async function reset(root: string): Promise<void> {
  await git(root, "checkout", "-q", "--", ".");
  await git(root, "clean", "-qfd");
}

beforeAll(async () => {
  project = await contractsRepository();
});

afterAll(async () => {
  for (const folder of scratch) await rm(folder, { recursive: true, force: true });
});

describe("postbus check --against HEAD", () => {
  it("exits 1 for the issue's edits, naming each change with file, pointer and a counterexample", async () => {
    await edit(project, "schemas/orders/order.placed.json", (schema) => {
      schema.properties.salesChannel = { type: "string" };
      schema.required.push("salesChannel");
      delete schema.properties.setupId;
      schema.required = schema.required.filter((key: string) => key !== "setupId");
      schema.properties.quantity = { type: "string" };
      for (const example of schema.examples) {
        example.salesChannel = "web";
        delete example.setupId;
        example.quantity = "1";
      }
    });
    try {
      const json = await postbus(project, "check", "--against", "HEAD", "--format", "json");
      expect(json.stderr).toBe("");
      expect(json.status).toBe(1);
      const output = parsed(json);
      expect(output).toMatchObject({ formatVersion: 1, compatible: false, against: { ref: "HEAD" } });
      const byRule = Object.fromEntries(output.findings.map((finding) => [finding.rule, finding]));
      expect(Object.keys(byRule).sort()).toEqual([
        "property-removed-closed",
        "required-added",
        "type-narrowed",
      ]);
      expect(byRule["required-added"]).toMatchObject({
        severity: "breaking",
        eventType: "order.placed",
        version: 1,
        new: { file: "schemas/orders/order.placed.json", pointer: "/required" },
        consumers: ["fills", "risk"],
      });
      expect(byRule["required-added"]?.counterexample).not.toHaveProperty("salesChannel");
      expect(byRule["property-removed-closed"]).toMatchObject({
        old: { file: "schemas/orders/order.placed.json", pointer: "/properties/setupId" },
        new: { pointer: "/additionalProperties" },
      });
      expect(byRule["property-removed-closed"]?.counterexample).toHaveProperty("setupId");
      expect(byRule["type-narrowed"]).toMatchObject({
        old: { file: "schemas/shared/market.json", pointer: "/$defs/Quantity" },
        new: { pointer: "/properties/quantity/type" },
        rejection: "/quantity must be string",
      });
      expect(byRule["type-narrowed"]?.counterexample).toMatchObject({ quantity: expect.any(Number) });
      for (const finding of output.findings) {
        expect(finding.new?.line).toBeGreaterThan(1);
        expect(finding.hint).toMatch(/new version/);
      }

      const text = await postbus(project, "check");
      expect(text.status).toBe(1);
      expect(text.stdout).toMatch(
        /^schemas\/orders\/order\.placed\.json:\d+:\d+: breaking: order\.placed v1 .*"salesChannel" is now required \[required-added\]$/m,
      );
      expect(text.stdout).toMatch(/^ {2}counterexample: \{.*"setupId".*\}$/m);
      expect(text.stdout).toMatch(/postbus check: 3 breaking, 0 unproven; 1 changed/);

      const github = await postbus(project, "check", "--format", "github");
      expect(github.status).toBe(1);
      const annotations = github.stdout.split("\n").filter((line) => line.startsWith("::error "));
      expect(annotations).toHaveLength(3);
      for (const line of annotations)
        expect(line).toMatch(
          /^::error file=schemas\/orders\/order\.placed\.json,line=\d+,col=\d+,title=postbus check%3A order\.placed v1 [a-z-]+::.+Counterexample: /,
        );
    } finally {
      await reset(project);
    }
  });

  it("exits 0 for compatible edits", async () => {
    await edit(project, "schemas/orders/order.placed.json", (schema) => {
      schema.description = "Reworded.";
      schema.properties.note = { type: "string", description: "Optional, added to a closed object." };
    });
    await edit(project, "schemas/orders/order.cancelled.json", (schema) => {
      schema.properties.reason.enum.push("duplicate");
    });
    await edit(project, "schemas/shared/market.json", (schema) => {
      schema.$defs.Quantity.exclusiveMinimum = -1;
    });
    try {
      const run = await postbus(project, "check", "--format", "json");
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const output = parsed(run);
      expect(output.findings).toEqual([]);
      expect(output.compatible).toBe(true);
      expect(output.summary.changed).toBeGreaterThanOrEqual(2);
    } finally {
      await reset(project);
    }
  });

  it("reports a change in a shared definition at every event that reaches it", async () => {
    const users = await eventsReferencing(project, "market.json#/$defs/Ticker");
    expect(users.length).toBeGreaterThanOrEqual(5);
    await edit(project, "schemas/shared/market.json", (schema) => {
      schema.$defs.Ticker.maxLength = 7; // the examples (BTC-USD, ETH-EUR) still fit
    });
    try {
      const run = await postbus(project, "check", "--format", "json");
      expect(run.status).toBe(1);
      const findings = parsed(run).findings;
      const reported = [
        ...new Set(findings.map((finding) => `${finding.eventType}@${finding.version}`)),
      ].sort();
      expect(reported).toEqual(users);
      for (const finding of findings) {
        expect(finding).toMatchObject({
          severity: "breaking",
          rule: "bound-tightened",
          new: { file: "schemas/shared/market.json", pointer: "/$defs/Ticker/maxLength" },
        });
      }
    } finally {
      await reset(project);
    }
  });

  it("treats a rename as breaking unless the new contract declares renamedFrom", async () => {
    const renamed = async (declare: boolean) => {
      await edit(project, "schemas/orders/order.cancelled.json", (schema) => {
        schema["x-postbus"].eventType = "order.withdrawn";
        if (declare) schema["x-postbus"].renamedFrom = "order.cancelled";
      });
      await git(project, "mv", "schemas/orders/order.cancelled.json", "schemas/orders/order.withdrawn.json");
    };
    try {
      await renamed(false);
      const undeclared = await postbus(project, "check", "--format", "json");
      expect(undeclared.status).toBe(1);
      const findings = parsed(undeclared).findings;
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        rule: "event-removed",
        eventType: "order.cancelled",
        old: { file: "schemas/orders/order.cancelled.json" },
      });
      expect(findings[0]?.hint).toContain('"renamedFrom": "order.cancelled"');
    } finally {
      await git(project, "reset", "-q", "--hard");
    }
    try {
      await renamed(true);
      const declared = await postbus(project, "check", "--format", "json");
      expect(declared.status).toBe(0);
      const events = parsed(declared).events;
      expect(events.find((event) => event.eventType === "order.withdrawn")).toMatchObject({
        status: "renamed",
        previousEventType: "order.cancelled",
      });
    } finally {
      await git(project, "reset", "-q", "--hard");
    }
  });

  it("compares with every earlier contract in the history under BACKWARD_TRANSITIVE", async () => {
    const root = await contractsRepository();
    const commit = async (message: string) => {
      await git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qam", message);
    };
    await edit(root, "schemas/orders/order.cancelled.json", (schema) => {
      schema.properties.reason.enum = ["user", "expired", "risk-limit"];
      for (const example of schema.examples) example.reason = "expired";
    });
    await commit("narrow the reasons (a breaking change that landed)");
    const plain = await postbus(root, "check", "--format", "json");
    expect(plain.status).toBe(0);
    await edit(root, "postbus.config.json", (config) => {
      config.compatibility = "BACKWARD_TRANSITIVE";
    });
    const transitive = await postbus(root, "check", "--format", "json");
    expect(transitive.stderr).toBe("");
    expect(transitive.status).toBe(1);
    const findings = parsed(transitive).findings;
    // The narrowing that landed, against the commit before it…
    const cancelled = findings.filter((finding) => finding.eventType === "order.cancelled");
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      rule: "enum-narrowed",
      mode: "BACKWARD_TRANSITIVE",
      counterexample: { reason: "exchange" },
    });
    expect(cancelled[0]?.against.side).toMatch(/^[0-9a-f]{12}$/);
    // …and every version against the older version files: order.placed v2 requires fields v1 lacks.
    const others = findings.filter((finding) => finding.eventType !== "order.cancelled");
    expect(others.length).toBeGreaterThan(0);
    for (const finding of others) {
      expect(finding).toMatchObject({
        eventType: "order.placed",
        version: 2,
        against: { eventType: "order.placed", version: 1 },
      });
    }
  });
});

describe("postbus check with bad input exits 2 and writes nothing", () => {
  it("names a ref that does not exist", async () => {
    const before = await listing(project);
    const run = await postbus(project, "check", "--against", "no-such-branch");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /POSTBUS_CHECK_UNKNOWN_REF: The git ref "no-such-branch" does not name a commit here/,
    );
    expect(await listing(project)).toEqual(before);
  });

  it("refuses a ref that reads like an option", async () => {
    const run = await postbus(project, "check", "--against=--output=/tmp/x");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/POSTBUS_CHECK_UNKNOWN_REF/);
  });

  it("says so outside a git repository", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "postbus-check-plain-"));
    scratch.push(root);
    await cp(path.join(repositoryRoot, "schemas"), path.join(root, "schemas"), { recursive: true });
    await writeFile(path.join(root, "postbus.config.json"), "{}\n");
    const before = await listing(root);
    const run = await postbus(root, "check");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/POSTBUS_CHECK_NOT_A_REPOSITORY: .* is not inside a git repository/);
    expect(await listing(root)).toEqual(before);
  });

  it("refuses a schema folder outside the repository", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "postbus-check-link-"));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), "postbus-check-elsewhere-"));
    scratch.push(root, elsewhere);
    await cp(path.join(repositoryRoot, "schemas"), elsewhere, { recursive: true });
    await symlink(elsewhere, path.join(root, "schemas"));
    await writeFile(path.join(root, "postbus.config.json"), "{}\n");
    await git(root, "init", "-q");
    const run = await postbus(root, "check");
    expect(run.stderr).toMatch(
      /POSTBUS_CHECK_OUTSIDE_REPOSITORY: The schema folder .* is outside the git repository/,
    );
    expect(run.status).toBe(2);
  });

  it("reports unparsable contracts at the ref with their file and line", async () => {
    const root = await contractsRepository();
    const file = path.join(root, "schemas/orders/order.cancelled.json");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace('"orderId": {', '"orderId" {'));
    await git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qam", "broken");
    await writeFile(file, good);
    const before = await listing(root);
    const run = await postbus(root, "check");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^schemas\/orders\/order\.cancelled\.json:\d+:\d+: POSTBUS_SCHEMA_PARSE /m);
    expect(run.stderr).toMatch(/the contracts of HEAD \([0-9a-f]{12}\) have 1 problem; nothing was compared/);
    expect(await listing(root)).toEqual(before);
  });

  it("refuses an unknown format and a bad --sample", async () => {
    const format = await postbus(project, "check", "--format", "xml");
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/POSTBUS_USAGE: --format must be one of text, json, github/);
    const sample = await postbus(
      project,
      "check",
      "--sample",
      "0",
      "--database-url",
      "postgres://u@127.0.0.1:1/x",
    );
    expect(sample.status).toBe(2);
    expect(sample.stderr).toMatch(/--sample must be an integer from 1 to 10000/);
  });
});

/** `event@version` of every event file whose schema mentions `needle`, sorted. */
async function eventsReferencing(root: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, "schemas"), { recursive: true })) {
    if (!entry.endsWith(".json") || entry.startsWith("shared")) continue;
    const schema = JSON.parse(await readFile(path.join(root, "schemas", entry), "utf8"));
    if (JSON.stringify(schema).includes(needle))
      found.push(`${schema["x-postbus"].eventType}@${schema["x-postbus"].version}`);
  }
  return found.sort();
}

/** Every path under `root` except `.git`, sorted, with sizes: what "writes nothing" compares. */
async function listing(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((entry) => !entry.startsWith(".git"))
    .sort();
}
