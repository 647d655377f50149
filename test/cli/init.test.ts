import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig, runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "postbus-init-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function cli(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line), cwd });
  return { status, out, err };
}

/** Every file under `root` with its contents, by relative path. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((item) => item.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(root, file).split(path.sep).join("/")] = await readFile(file, "utf8");
  }
  return files;
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe("postbus init", () => {
  it("scaffolds a config, one example contract and the package settings in an empty folder, then generates", async () => {
    const project = path.join(folder, "My Shop");
    await mkdir(project);
    const result = await cli(project, "init");
    expect(result.err).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.out.slice(0, 3)).toEqual([
      "created package.json",
      "created postbus.config.json",
      "created schemas/greetings/greeting.sent.json",
    ]);
    expect(result.out).toContain("postbus: wrote 22 files, 0 unchanged");

    const loaded = await loadConfig({ cwd: project });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.file).toBe(path.join(project, "postbus.config.json"));
    expect(loaded.config?.types).toMatchObject({
      dir: "packages/events",
      name: "my-shop-events",
      version: "0.1.0",
    });

    const manifest = JSON.parse(await readFile(path.join(project, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "my-shop",
      private: true,
      workspaces: ["packages/events"],
      scripts: { generate: "postbus generate" },
      devDependencies: { "@postbus/codegen": expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });

    // What generate made of the example: the types, the built package and the catalog.
    expect(await readFile(path.join(project, "packages/events/src/types.ts"), "utf8")).toMatch(
      /export (interface|type) GreetingSent\b/,
    );
    expect(JSON.parse(await readFile(path.join(project, "packages/events/package.json"), "utf8")).name).toBe(
      "my-shop-events",
    );
    expect(await exists(path.join(project, "packages/events/dist/index.js"))).toBe(true);
    expect(await exists(path.join(project, "docs/catalog/events/greeting.sent.md"))).toBe(true);

    // And what it generated is what generate --check expects.
    expect((await cli(project, "generate", "--check")).status).toBe(0);
  }, 60_000);

  it("refuses with exit 2 and writes nothing when a config already exists, even after its own run", async () => {
    expect((await cli(folder, "init", "--no-build")).status).toBe(0);
    const before = await snapshot(folder);
    const again = await cli(folder, "init");
    expect(again.status).toBe(2);
    expect(again.out).toEqual([]);
    expect(again.err).toEqual([
      `postbus: POSTBUS_USAGE: postbus.config.json already exists in ${folder}. postbus init starts a new project; edit that config instead, or run postbus generate`,
    ]);
    expect(await snapshot(folder)).toEqual(before);
  });

  it("refuses a folder with a config of its own, leaving it alone", async () => {
    await writeFile(path.join(folder, "postbus.config.json"), '{ "schemas": "contracts" }\n');
    const result = await cli(folder, "init");
    expect(result.status).toBe(2);
    expect(await snapshot(folder)).toEqual({ "postbus.config.json": '{ "schemas": "contracts" }\n' });
  });

  it("refuses, writing nothing, when a file it would write is there", async () => {
    await mkdir(path.join(folder, "schemas/greetings"), { recursive: true });
    await writeFile(path.join(folder, "schemas/greetings/greeting.sent.json"), "{}\n");
    const result = await cli(folder, "init");
    expect(result.status).toBe(2);
    expect(result.err.at(-1)).toContain("already has schemas/greetings/greeting.sent.json");
    expect(await snapshot(folder)).toEqual({ "schemas/greetings/greeting.sent.json": "{}\n" });
  });

  it("keeps an existing package.json and names the generated package after it", async () => {
    const manifest = `${JSON.stringify({ name: "@acme/shop", version: "2.0.0" })}\n`;
    await writeFile(path.join(folder, "package.json"), manifest);
    const result = await cli(folder, "init", "--no-build");
    expect(result.status).toBe(0);
    expect(result.out).not.toContain("created package.json");
    expect(await readFile(path.join(folder, "package.json"), "utf8")).toBe(manifest);
    const config = JSON.parse(await readFile(path.join(folder, "postbus.config.json"), "utf8"));
    expect(config.packages.types.name).toBe("@acme/shop-events");
    expect(await exists(path.join(folder, "packages/events/src/index.ts"))).toBe(true);
    expect(await exists(path.join(folder, "packages/events/dist"))).toBe(false);
  });

  it("takes no other option", async () => {
    const result = await cli(folder, "init", "--config", "x.json");
    expect(result.status).toBe(2);
    expect(result.err.at(-1)).toMatch(/^postbus: POSTBUS_USAGE: Unknown option --config for postbus init/);
    expect(await snapshot(folder)).toEqual({});
  });
});
