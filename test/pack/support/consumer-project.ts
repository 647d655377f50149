/**
 * A project outside the workspace that installs packages from tarballs, as a user's
 * does: pack a folder, write the consumer's package.json and tsconfig (strict), npm
 * install (pg, zod and @types from the registry), compile with tsc and run the result.
 */
import { execFile } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/** `npm pack`s `folder` into `destination`; returns the `file:` specifier of the tarball. */
export async function npmPack(folder: string, destination: string): Promise<string> {
  const before = new Set(await readdir(destination));
  await run("npm", ["pack", "--pack-destination", destination, "--loglevel=error"], { cwd: folder });
  const tarball = (await readdir(destination)).find((file) => file.endsWith(".tgz") && !before.has(file));
  if (tarball === undefined) throw new Error(`npm pack in ${folder} wrote no .tgz`);
  return `file:./${tarball}`;
}

/** Builds and packs the workspace's @postbus/client into `destination`. */
export async function packClient(destination: string): Promise<string> {
  const folder = path.join(ROOT, "packages/client");
  await run("pnpm", ["run", "build"], { cwd: folder });
  return npmPack(folder, destination);
}

/**
 * Writes the consumer project into `folder` (its `service.ts` must be there already):
 * `dependencies` plus pg, zod and the type packages, and a strict NodeNext tsconfig.
 */
export async function writeConsumer(folder: string, dependencies: Record<string, string>): Promise<void> {
  const manifest = {
    name: "postbus-consumer-check",
    private: true,
    type: "module",
    dependencies: { ...dependencies, pg: "8.23.1", zod: "4.6.7" },
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
  await writeFile(path.join(folder, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(folder, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
}

/** `npm install` in `folder`. */
export async function npmInstall(folder: string): Promise<void> {
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: folder });
}

/** Runs tsc on the consumer (`noEmit` for a type check only); returns its output, empty when it passed. */
export async function compile(folder: string, options: { noEmit?: boolean } = {}): Promise<string> {
  const args = [TSC, "-p", "tsconfig.json", ...(options.noEmit ? ["--noEmit"] : [])];
  const result = await run(process.execPath, args, { cwd: folder, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout: string; stderr: string }) => ({ stdout: `${error.stdout}${error.stderr}` }),
  );
  return result.stdout;
}

/** Runs `dist/service.js` of the consumer with `DATABASE_URL`; returns its stdout parsed as JSON. */
export async function runService(folder: string, databaseUrl: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["dist/service.js"], {
    cwd: folder,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return JSON.parse(stdout);
}
