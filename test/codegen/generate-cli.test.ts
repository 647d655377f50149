import { rm } from "node:fs/promises";
import path from "node:path";
import { runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateCommand } from "../../codegen/src/cli/commands/generator/generate.js";
import type { EmitTypesPackage } from "../../codegen/src/emit/emit-types-package.js";
import { createGenerateCache, diffFiles, generate, readGenerated } from "../../codegen/src/generate.js";
import { fakeEmitter, json, type TempProject, tempProject } from "./support/project.js";

const SCHEMAS = {
  "postbus.config.json": json({ schemas: "schemas", packages: { types: { dir: "out/types" } } }),
  "schemas/shared/money.json": json({ type: "object", properties: { amount: { type: "number" } } }),
  "schemas/signals/signal.triggered.json": json({
    type: "object",
    properties: { price: { $ref: "../shared/money.json" } },
  }),
  "schemas/orders/order.placed.yaml": "type: object\nproperties:\n  id: { type: string }\n",
};

let project: TempProject;

beforeEach(async () => {
  project = await tempProject(SCHEMAS);
});

afterEach(async () => {
  await project.remove();
});

async function run(flags: { check?: boolean; watch?: boolean }, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const status = generateCommand(
    { config: path.join(project.root, "postbus.config.json"), ...flags },
    { out: (line) => out.push(line), err: (line) => err.push(line), signal },
    fakeEmitter,
  );
  return { status, out, err };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("postbus generate", () => {
  it("is idempotent: two runs give byte-identical files", async () => {
    const config = await project.config();
    const first = await generate(config, { emit: fakeEmitter });
    const second = await generate(config, { emit: fakeEmitter });
    expect(first.files.length).toBeGreaterThan(0);
    expect(second.files).toEqual(first.files);
    expect(JSON.stringify(second.model)).toBe(JSON.stringify(first.model));
  });

  it("parses only changed files and re-emits only when the model changed, with a cache", async () => {
    const config = await project.config();
    const cache = createGenerateCache();
    let emits = 0;
    const counting: EmitTypesPackage = async (model, resolved) => {
      emits++;
      return fakeEmitter(model, resolved);
    };
    const first = await generate(config, { emit: counting, cache });
    const parsed = new Map(cache.schemaFiles);
    const again = await generate(config, { emit: counting, cache });
    expect(again.files).toEqual(first.files);
    expect(emits).toBe(1);

    await project.write(
      "schemas/orders/order.placed.yaml",
      "type: object\nproperties:\n  id: { type: integer }\n",
    );
    const changed = await generate(config, { emit: counting, cache });
    expect(emits).toBe(2);
    expect(changed.files).not.toEqual(first.files);
    const reused = [...cache.schemaFiles].filter(([file, loaded]) => parsed.get(file) === loaded);
    expect(reused.map(([file]) => path.relative(project.root, file)).sort()).toEqual([
      path.join("schemas", "shared", "money.json"),
      path.join("schemas", "signals", "signal.triggered.json"),
    ]);
  });

  it("does not touch the disk: generate returns files and writes none", async () => {
    const config = await project.config();
    const result = await generate(config, { emit: fakeEmitter });
    const onDisk = await readGenerated(
      config.root,
      result.files.map((file) => file.path),
    );
    expect(diffFiles(result.files, onDisk).missing).toEqual(result.files.map((file) => file.path));
  });

  it("writes the files, then reports them unchanged", async () => {
    const first = await run({});
    expect(await first.status).toBe(0);
    expect(first.out).toEqual([
      "wrote out/types/src/events/order.placed.v1.ts",
      "wrote out/types/src/events/signal.triggered.v1.ts",
      "wrote out/types/src/registry.ts",
      "postbus: wrote 3 files, 0 unchanged",
    ]);
    expect(await project.read("out/types/src/registry.ts")).toContain("SignalTriggered");
    const second = await run({});
    expect(await second.status).toBe(0);
    expect(second.out).toEqual(["postbus: wrote 0 files, 3 unchanged"]);
  });

  it("--check exits 0 when fresh and 1 naming stale, missing and obsolete files", async () => {
    expect(await (await run({})).status).toBe(0);
    const fresh = await run({ check: true });
    expect(await fresh.status).toBe(0);
    expect(fresh.out).toEqual(["postbus: 3 generated files are up to date"]);

    await project.write("out/types/src/registry.ts", "// edited by hand\n");
    await rm(path.join(project.root, "out/types/src/events/order.placed.v1.ts"));
    await project.write("out/types/src/events/gone.v1.ts", "// Generated by @postbus/codegen from old.\n");
    await project.write("out/types/src/events/mine.ts", "// not generated\n");
    const stale = await run({ check: true });
    expect(await stale.status).toBe(1);
    expect(stale.err).toEqual([
      "stale: out/types/src/registry.ts (out of date)",
      "stale: out/types/src/events/order.placed.v1.ts (missing)",
      "stale: out/types/src/events/gone.v1.ts (no longer generated)",
      "postbus: 3 generated files are stale; run postbus generate and commit the result",
    ]);
    expect(await project.read("out/types/src/registry.ts")).toBe("// edited by hand\n");

    const regenerate = await run({});
    expect(await regenerate.status).toBe(0);
    expect(regenerate.out).toContain("removed out/types/src/events/gone.v1.ts");
    expect(await project.read("out/types/src/events/mine.ts")).toBe("// not generated\n");
    expect(await (await run({ check: true })).status).toBe(0);
  });

  it("prints every schema problem as file:line:column: CODE message (hint) and exits 1", async () => {
    await project.write("schemas/orders/order.placed.yaml", "type: object\nx-postbus:\n  chanel: orders\n");
    const result = await run({});
    expect(await result.status).toBe(1);
    expect(result.err).toEqual([
      'schemas/orders/order.placed.yaml:3:3: POSTBUS_SCHEMA_UNKNOWN_KEY Unknown x-postbus key "chanel" at /x-postbus/chanel (Did you mean "channel"? Known keys: eventType, version, channel, domain, producers, consumers, owners, deprecated, response, errorResponse, compatibility, renamedFrom, partitionKey)',
      "postbus: 1 problem found; nothing was written",
    ]);
  });

  it("--watch regenerates when a schema changes and says what changed", async () => {
    const stop = new AbortController();
    const watching = await run({ watch: true }, stop.signal);
    try {
      await waitFor(() => watching.out.some((line) => line.startsWith("postbus: watching")), "the watcher");
      expect(watching.out[0]).toMatch(/^postbus: generated in \d+ ms; wrote .*registry\.ts/);

      await project.write(
        "schemas/orders/order.placed.yaml",
        "type: object\nproperties:\n  id: { type: string }\n  note: { type: string }\n",
      );
      await waitFor(() => watching.out.length > 2, "the regeneration");
      expect(watching.out[2]).toMatch(
        /^postbus: generated in \d+ ms after schemas\/orders\/order\.placed\.yaml changed; wrote out\/types\/src\/events\/order\.placed\.v1\.ts$/,
      );
      expect(await project.read("out/types/src/events/order.placed.v1.ts")).toContain("note");

      await project.write("schemas/orders/order.placed.yaml", "type: object\nminProperties: -1\n");
      await waitFor(() => watching.err.length > 0, "the diagnostics");
      expect(watching.err[0]).toMatch(/POSTBUS_SCHEMA_BAD_KEYWORD/);
    } finally {
      stop.abort();
    }
    expect(await watching.status).toBe(0);
  });
});

describe("postbus generate on the command line", () => {
  it("rejects --check with --watch and stray arguments as usage errors", async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (line: string) => err.push(line) };
    expect(await runCli(["generate", "--check", "--watch"], io)).toBe(2);
    expect(await runCli(["generate", "extra"], io)).toBe(2);
    expect(err.join("\n")).toMatch(/POSTBUS_USAGE/);
  });

  it("lists generate in --help, and its options in generate --help", async () => {
    const out: string[] = [];
    await runCli(["--help"], { out: (line) => out.push(line), err: () => {} });
    expect(out.join("\n")).toMatch(/^ {2}generate +\S/m);
    out.length = 0;
    expect(await runCli(["generate", "--help"], { out: (line) => out.push(line), err: () => {} })).toBe(0);
    for (const flag of ["--config <path>", "--check", "--watch", "--no-build"])
      expect(out.join("\n")).toContain(flag);
  });

  it("reports config problems without loading the emitter", async () => {
    await project.write("postbus.config.json", json({ schemaz: "schemas" }));
    const err: string[] = [];
    const status = await runCli(["generate", "--config", path.join(project.root, "postbus.config.json")], {
      out: () => {},
      err: (line) => err.push(line),
    });
    expect(status).toBe(1);
    expect(err[0]).toMatch(/^postbus\.config\.json:2:3: POSTBUS_SCHEMA_CONFIG Unknown config key "schemaz"/);
  });
});
