import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./support/project.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "postbus-front-real-"));
  await cp(path.join(FIXTURES, "basic"), root, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(["generate", "--config", path.join(root, "postbus.config.json"), ...argv], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { status, out, err };
}

describe("postbus generate with the types-package emitter", () => {
  it("generates, is fresh under --check, and goes stale when a schema changes", async () => {
    const first = await cli();
    expect(first.err).toEqual([]);
    expect(first.status).toBe(0);
    expect(first.out.at(-2)).toMatch(/^postbus: wrote \d+ files, 0 unchanged$/);
    expect(first.out.at(-1)).toMatch(/^postbus: built packages\/types\/dist\/ \(\d+ files\) in \d+ ms$/);

    const fresh = await cli("--check");
    expect(fresh.status).toBe(0);

    await writeFile(
      path.join(root, "schemas/orders/order.accepted.json"),
      '{ "type": "object", "properties": { "orderId": { "type": "string" }, "at": { "type": "string" } } }\n',
    );
    const stale = await cli("--check");
    expect(stale.status).toBe(1);
    expect(stale.err.some((line) => line.startsWith("stale: packages/types/src/"))).toBe(true);
  }, 60_000);
});
