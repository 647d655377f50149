/**
 * The packages as a user gets them: build and `pnpm pack` @postbus/client and
 * @postbus/types, install the tarballs with pg and zod from the registry into a
 * project outside the workspace, compile a small service with tsc --strict, and
 * run it against a real PostgreSQL: it publishes and consumes typed events.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const db = useTestDatabase();
let project: string;

beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), "postbus-pack-"));
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

async function packWorkspacePackage(dir: string): Promise<string> {
  // The types package is generated: `postbus build` compiles its committed sources.
  if (dir === "packages/types")
    await run("pnpm", ["exec", "tsx", "codegen/src/cli.ts", "build"], { cwd: root });
  else await run("pnpm", ["run", "build"], { cwd: path.join(root, dir) });
  await run("pnpm", ["pack", "--pack-destination", project], { cwd: path.join(root, dir) });
  const name = dir === "packages/client" ? "postbus-client-" : "postbus-types-";
  const tarball = (await readdir(project)).find((file) => file.startsWith(name) && file.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack wrote no ${name}*.tgz`);
  return `file:./${tarball}`;
}

test("a project outside the workspace installs the tarballs, compiles and publishes and consumes typed events", async () => {
  const [client, types] = await Promise.all([
    packWorkspacePackage("packages/client"),
    packWorkspacePackage("packages/types"),
  ]);
  const manifest = {
    name: "postbus-pack-check",
    private: true,
    type: "module",
    dependencies: {
      "@postbus/client": client,
      "@postbus/types": types,
      pg: "8.23.1",
      zod: "4.6.7",
    },
    devDependencies: { "@types/node": "20.19.43", "@types/pg": "8.23.1" },
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      types: ["node"],
      outDir: "dist",
    },
    files: ["service.ts"],
  };
  await writeFile(path.join(project, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  await copyFile(
    fileURLToPath(new URL("./fixture/service.ts", import.meta.url)),
    path.join(project, "service.ts"),
  );

  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project });
  const compiled = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).catch(
    (error: { stdout: string }) => ({ stdout: error.stdout }),
  );
  expect(compiled.stdout).toBe("");

  const { stdout } = await run(process.execPath, ["dist/service.js"], {
    cwd: project,
    env: { ...process.env, DATABASE_URL: db.url },
  });
  expect(JSON.parse(stdout)).toEqual({
    channel: "signal.triggered",
    rejected: "POSTBUS_VALIDATION_FAILED",
    handled: ["signal.triggered BTC-USD buy"],
  });
}, 120_000);
