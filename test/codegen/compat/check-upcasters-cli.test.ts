/**
 * `postbus check` with upcasters, as a process in a temporary git repository of its own
 * contracts (`order.placed` v1 and v2, BACKWARD_TRANSITIVE, types package `@shop/events`):
 * a breaking change between the versions is covered when an upcaster chain reaches the
 * newest version, and the chain runs over the v1 examples and, on a real PostgreSQL, over the
 * stored v1 events (written by Postbus and by a plain ADR INSERT), each failure named.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createPostbus, fromPool, migrate } from "@postbus/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckOutput } from "../../../codegen/src/compat/format-report.js";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";

const exec = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));
const CLI = path.join(repositoryRoot, "codegen/src/cli.ts");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const db = useTestDatabase();
/** Each run loads ts-morph to check the upcaster: seconds per run on a busy machine. */
const SLOW = { timeout: 180_000 };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function postbus(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
      cwd,
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

function parsed(run: Run): CheckOutput {
  try {
    return JSON.parse(run.stdout) as CheckOutput;
  } catch {
    throw new Error(`postbus check printed no JSON (exit ${run.status}); stderr:\n${run.stderr}`);
  }
}

const git = async (cwd: string, ...args: string[]) =>
  (await exec("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd })).stdout;

const V1 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { orderId: { type: "string" }, quantity: { type: "number" } },
  required: ["orderId", "quantity"],
  additionalProperties: false,
  examples: [
    { orderId: "o-1", quantity: 2 },
    { orderId: "o-2", quantity: 0.5 },
  ],
  "x-postbus": { eventType: "order.placed", version: 1, channel: "orders", consumers: ["fills"] },
};
const V2 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    orderId: { type: "string" },
    quantity: { type: "number" },
    unit: { enum: ["piece", "kg"] },
  },
  required: ["orderId", "quantity", "unit"],
  additionalProperties: false,
  examples: [{ orderId: "o-3", quantity: 1.5, unit: "kg" }],
  "x-postbus": { eventType: "order.placed", version: 2, channel: "orders", consumers: ["fills"] },
};
const UPCASTER = "schemas/orders/upcasters/order.placed.v1-to-v2.ts";
const GOOD = `import type { OrderPlaced, OrderPlacedV1 } from "@shop/events";

export function toV2(data: OrderPlacedV1): OrderPlaced {
  return { ...data, unit: data.quantity % 1 === 0 ? "piece" : "kg" };
}
`;
/** Compiles (the cast hides it) but gives fractional quantities a unit v2 does not have, and throws on huge ones. */
const BROKEN = `import type { OrderPlaced, OrderPlacedV1 } from "@shop/events";

export function toV2(data: OrderPlacedV1): OrderPlaced {
  if (data.quantity > 1000) throw new Error("quantity too large to upcast");
  return { ...data, unit: (data.quantity % 1 === 0 ? "piece" : "litre") as OrderPlaced["unit"] };
}
`;

let root: string;

/** The working tree: v2 next to the committed v1, and `upcaster` as the v1 → v2 step (none when undefined). */
async function workingTree(upcaster: string | undefined): Promise<void> {
  await rm(path.join(root, "schemas/orders/upcasters"), { recursive: true, force: true });
  await writeFile(path.join(root, "schemas/orders/order.placed.v2.json"), JSON.stringify(V2, null, 2));
  if (upcaster === undefined) return;
  await mkdir(path.join(root, "schemas/orders/upcasters"), { recursive: true });
  await writeFile(path.join(root, UPCASTER), upcaster);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "postbus-check-upcasters-"));
  await mkdir(path.join(root, "schemas/orders"), { recursive: true });
  await writeFile(path.join(root, "schemas/orders/order.placed.json"), JSON.stringify(V1, null, 2));
  await writeFile(
    path.join(root, "postbus.config.json"),
    JSON.stringify({
      schemas: "schemas",
      compatibility: "BACKWARD_TRANSITIVE",
      packages: { types: { name: "@shop/events", version: "1.2.0" } },
    }),
  );
  await git(root, "init", "-q", "-b", "main");
  await git(root, "add", ".");
  await git(root, "commit", "-q", "-m", "v1");

  const pool = db.pool();
  await migrate(fromPool(pool));
  const bus = createPostbus({ db: pool, producer: "orders" });
  try {
    // 20 v1 events that say their version (5 with a fractional quantity, 1 huge)…
    await bus.publishMany(
      Array.from({ length: 20 }, (_, n) => ({
        type: "order.placed",
        channel: "orders",
        data: { orderId: `p-${n}`, quantity: n < 5 ? n + 0.5 : n === 5 ? 5000 : n },
        metadata: { contract_version: 1 },
      })),
    );
    // …10 from an ADR-only writer, no version (3 fractional), and 4 v2 events (nothing to upcast).
    await pool.query(
      `INSERT INTO events (channel, data)
       SELECT 'orders', jsonb_build_object('event_type', 'order.placed', 'timestamp', '2025-05-15T10:30:45Z',
                                           'data', jsonb_build_object('orderId', 'adr-' || n, 'quantity', CASE WHEN n <= 3 THEN n + 0.25 ELSE n END),
                                           'metadata', '{}'::jsonb)
       FROM generate_series(1, 10) AS n`,
    );
    await bus.publishMany(
      Array.from({ length: 4 }, (_, n) => ({
        type: "order.placed",
        channel: "orders",
        data: { orderId: `v2-${n}`, quantity: 1, unit: "piece" },
        metadata: { contract_version: 2 },
      })),
    );
    await deliverable(pool);
  } finally {
    await bus.close();
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("postbus check with upcasters", () => {
  it(
    "counts a breaking change between versions as covered when an upcaster chain reaches the newest",
    SLOW,
    async () => {
      await workingTree(GOOD);
      const json = await postbus(root, "check", "--format", "json");
      expect(json.stderr).toBe("");
      expect(json.status).toBe(0);
      const output = parsed(json);
      expect(output.compatible).toBe(true);
      expect(output.summary).toMatchObject({ breaking: 0, covered: 1, upcastFailed: 0 });
      expect(output.findings).toHaveLength(1);
      expect(output.findings[0]).toMatchObject({
        severity: "covered",
        eventType: "order.placed",
        version: 2,
        rule: "required-added",
        against: { eventType: "order.placed", version: 1 },
        coveredBy: { severity: "breaking", upcasters: [{ file: UPCASTER, line: 3, from: 1, to: 2 }] },
      });
      expect(output.upcasters?.results).toEqual([
        {
          eventType: "order.placed",
          version: 1,
          target: 2,
          upcasters: [{ file: UPCASTER, line: 3, from: 1, to: 2 }],
          examples: { checked: 2, failed: 0, byUpcaster: [], failures: [] },
          stored: null,
        },
      ]);
      expect(output.release).toMatchObject({ bump: "minor", nextVersion: "1.3.0" });
      expect(output.release.reasons).toEqual([
        "order.placed v2: added, breaking change covered by upcasters (minor)",
      ]);

      const text = await postbus(root, "check");
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(
        /^schemas\/orders\/order\.placed\.v2\.json:\d+:\d+: covered by upcasters \(breaking without them\): order\.placed v2 .*"unit" is now required \[required-added\]$/m,
      );
      expect(text.stdout).toContain(`  upcasters: ${UPCASTER}:3 (v1 → v2)`);
      expect(text.stdout).toContain("upcasters: order.placed v1 → v2");
      expect(text.stdout).toMatch(
        /0 breaking, 0 unproven, 1 covered by upcasters; .*upcasters: 0 failed: compatible$/m,
      );

      const github = await postbus(root, "check", "--format", "github");
      expect(github.status).toBe(0);
      const notices = github.stdout.split("\n").filter((line) => line.startsWith("::notice "));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(`Covered by upcasters: ${UPCASTER}:3 (v1 → v2)`);
      expect(github.stdout).not.toContain("::error");
    },
  );

  it("calls the same change breaking without the upcaster", SLOW, async () => {
    await workingTree(undefined);
    const run = await postbus(root, "check", "--format", "json");
    expect(run.status).toBe(1);
    const output = parsed(run);
    expect(output.findings.map((finding) => finding.severity)).toEqual(["breaking"]);
    expect(output.summary).toMatchObject({ breaking: 1, covered: 0, upcastFailed: null });
    expect(output.upcasters).toBeNull();
  });

  it(
    "runs the upcaster over the v1 examples and fails naming the upcaster, the example and the reason",
    SLOW,
    async () => {
      await workingTree(BROKEN);
      const json = await postbus(root, "check", "--format", "json");
      expect(json.status).toBe(1);
      const output = parsed(json);
      expect(output.compatible).toBe(false);
      expect(output.summary).toMatchObject({ breaking: 0, covered: 1, upcastFailed: 1 });
      expect(output.upcasters?.results[0]?.examples).toEqual({
        checked: 2,
        failed: 1,
        byUpcaster: [{ upcaster: UPCASTER, step: "v1 → v2", failed: 1 }],
        failures: [
          {
            at: "example 1",
            upcaster: UPCASTER,
            step: "v1 → v2",
            reason: expect.stringMatching(
              /^order\.placed v2 rejects its result: \/unit must be equal to one of the allowed values/,
            ),
          },
        ],
      });
      const text = await postbus(root, "check");
      expect(text.status).toBe(1);
      expect(text.stdout).toContain("upcasters: order.placed v1 → v2");
      expect(text.stdout).toMatch(/failed on 1 of 2 examples$/m);
      expect(text.stdout).toMatch(
        new RegExp(
          `^ {2}at example 1: ${UPCASTER.replaceAll(".", "\\.")} \\(v1 → v2\\) order\\.placed v2 rejects`,
          "m",
        ),
      );
      const github = await postbus(root, "check", "--format", "github");
      expect(github.status).toBe(1);
      expect(github.stdout).toMatch(
        /^::error file=schemas\/orders\/upcasters\/order\.placed\.v1-to-v2\.ts,line=3,title=postbus check%3A upcaster order\.placed v1 → v2::At example 1 \(a v1 payload\): /m,
      );
    },
  );

  it("refuses an upcaster that does not type-check, with its file and line (exit 2)", SLOW, async () => {
    await workingTree(GOOD.replace('"kg"', '"litre"'));
    const run = await postbus(root, "check");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^schemas\/orders\/upcasters\/order\.placed\.v1-to-v2\.ts:4:\d+: POSTBUS_UPCASTER_TYPE_ERROR /m,
    );
    expect(run.stderr).toContain("the contracts of the working tree have 1 problem; nothing was compared");
  });
});

describe("postbus check --database-url with upcasters", () => {
  it(
    "runs the chain over every stored v1 event, Postbus and ADR rows alike, and passes when none fails",
    SLOW,
    async () => {
      await workingTree(GOOD);
      const run = await postbus(root, "check", "--format", "json", "--database-url", db.url);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const output = parsed(run);
      expect(output.upcasters?.results[0]?.stored).toEqual({
        checked: 30,
        failed: 0,
        byUpcaster: [],
        failures: [],
      });
      expect(output.upcasters?.unmatched).toEqual([]);
      expect(output.upcasters?.read).toBe(34);
      expect(output.summary.upcastFailed).toBe(0);
    },
  );

  it(
    "counts the stored events a broken upcaster fails on, with their positions and reasons (exit 1)",
    SLOW,
    async () => {
      await workingTree(BROKEN);
      const run = await postbus(root, "check", "--format", "json", "--database-url", db.url);
      expect(run.status).toBe(1);
      const output = parsed(run);
      const stored = output.upcasters?.results[0]?.stored;
      // 5 fractional + 1 huge from Postbus, 3 fractional ADR rows.
      expect(stored).toMatchObject({
        checked: 30,
        failed: 9,
        byUpcaster: [{ upcaster: UPCASTER, step: "v1 → v2", failed: 9 }],
      });
      expect(stored?.failures).toHaveLength(3);
      for (const failure of stored?.failures ?? []) {
        expect(failure).toMatchObject({ upcaster: UPCASTER, step: "v1 → v2" });
        expect(failure.at).toMatch(/^\d+:\d+$/);
        expect(failure.reason).toMatch(/rejects its result: \/unit/);
      }
      // Examples (1) and stored events (9) together.
      expect(output.summary.upcastFailed).toBe(10);

      const text = await postbus(root, "check", "--database-url", db.url);
      expect(text.status).toBe(1);
      expect(text.stdout).toMatch(/failed on 1 of 2 examples, 9 of 30 stored events$/m);
      expect(text.stdout).toMatch(/upcasters: 10 failed$/m);
    },
  );

  it("names an upcaster that throws on a stored event", SLOW, async () => {
    await workingTree(BROKEN.replace("data.quantity % 1 === 0", "true"));
    const run = await postbus(root, "check", "--format", "json", "--database-url", db.url);
    expect(run.status).toBe(1);
    const stored = parsed(run).upcasters?.results[0]?.stored;
    expect(stored).toMatchObject({ checked: 30, failed: 1 });
    expect(stored?.failures[0]).toMatchObject({
      upcaster: UPCASTER,
      reason: "threw: quantity too large to upcast",
    });
  });
});
