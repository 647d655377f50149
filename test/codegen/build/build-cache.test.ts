import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURES } from "../support/project.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "postbus-front-build-cache-"));
  await cp(path.join(FIXTURES, "basic"), root, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `postbus generate` in the project; its last line (the build's). */
async function generate(): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(["generate", "--config", path.join(root, "postbus.config.json")], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  expect(err).toEqual([]);
  expect(status).toBe(0);
  return out.at(-1) ?? "";
}

const CACHED = /^postbus: built packages\/types\/dist\/ \(\d+ files, the same as the last build\) in \d+ ms$/;
const BUILT = /^postbus: built packages\/types\/dist\/ \(\d+ files\) in \d+ ms$/;

describe("the package build is remembered across processes in node_modules/.cache/postbus", () => {
  it("is skipped when the sources and dist/ are what the last build had, and runs again when either changes", async () => {
    await mkdir(path.join(root, "node_modules"));
    expect(await generate()).toMatch(BUILT);
    const index = path.join(root, "packages/types/dist/index.js");
    const built = await readFile(index, "utf8");
    expect(await generate()).toMatch(CACHED);
    expect(await readFile(index, "utf8")).toBe(built);

    // A dist/ file someone changed is not the last build's output: built and written again.
    await writeFile(index, "tampered\n");
    expect(await generate()).toMatch(BUILT);
    expect(await readFile(index, "utf8")).toBe(built);

    // A schema change changes the sources.
    await writeFile(
      path.join(root, "schemas/orders/order.accepted.json"),
      '{ "type": "object", "properties": { "orderId": { "type": "string" } } }\n',
    );
    expect(await generate()).toMatch(BUILT);
    expect(await generate()).toMatch(CACHED);
  }, 120_000);

  it("without node_modules/ in the project, builds every time and creates none", async () => {
    expect(await generate()).toMatch(BUILT);
    expect(await generate()).toMatch(BUILT);
    await expect(stat(path.join(root, "node_modules"))).rejects.toMatchObject({ code: "ENOENT" });
  }, 120_000);
});
