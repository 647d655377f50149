#!/usr/bin/env node
// Entry point behind the root `npm run demo`, `npm test` and `npm run postbus`.
// Runs before anything is installed, so it is plain Node ESM with no dependencies:
//
//   node scripts/run.mjs <task> [args...]
//
// 1. Installs dependencies when needed (no node_modules/.pnpm, or pnpm-lock.yaml
//    newer than node_modules/.modules.yaml), with pnpm 12.4.2 from PATH or else
//    `npx --yes pnpm@12.4.2`; `--frozen-lockfile` when CI is set.
// 2. Runs the task; its exit code becomes ours.
//
// Says what it does on stderr, one line per step.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync, utimesSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "12.4.2";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const isWindows = process.platform === "win32";

/** @type {Record<string, { describe: string, command: (args: string[]) => string[] }>} */
const TASKS = {
  test: { describe: "run the test suite (vitest)", command: (args) => ["exec", "vitest", "run", ...args] },
  demo: {
    describe: "generate the contracts, scan the demo's code against them, then run the demo",
    command: () => ["run", "demo:run"],
  },
  postbus: {
    describe: "run the postbus CLI",
    command: (args) => ["exec", "tsx", "codegen/src/cli.ts", ...args],
  },
};

function say(message) {
  process.stderr.write(`[run] ${message}\n`);
}

function usage() {
  const lines = Object.entries(TASKS).map(([name, task]) => `  ${name.padEnd(8)} ${task.describe}`);
  return `usage: node scripts/run.mjs <task> [args...]\ntasks:\n${lines.join("\n")}`;
}

/** `pnpm` on PATH if it is exactly PNPM_VERSION, else `npx --yes pnpm@PNPM_VERSION`. */
function findPnpm() {
  const probe = spawnSync("pnpm", ["--version"], { cwd: root, encoding: "utf8", shell: isWindows });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ["pnpm"];
  return ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
}

function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why an install is needed, or undefined when node_modules is current. */
function installReason() {
  if (!existsSync(join(root, "node_modules", ".pnpm"))) return "node_modules/.pnpm is missing";
  const installed = mtimeMs(join(root, "node_modules", ".modules.yaml"));
  if (installed === undefined) return "node_modules/.modules.yaml is missing";
  const lock = mtimeMs(join(root, "pnpm-lock.yaml"));
  if (lock !== undefined && lock > installed) return "pnpm-lock.yaml is newer than node_modules";
  return undefined;
}

/** Runs a command with inherited stdio; resolves with its exit code (128 + n when killed by a signal). */
function run(argv) {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: root, stdio: "inherit", shell: isWindows });
    // Ctrl-C reaches the child through the terminal's process group; wait for it to
    // finish cleaning up instead of dying first. Pass on terminations aimed at us alone.
    const onSigint = () => {};
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", forward);
    process.on("SIGHUP", forward);
    const done = (code) => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", forward);
      process.off("SIGHUP", forward);
      resolve(code);
    };
    child.on("error", (error) => {
      say(`could not start ${file}: ${error.message}`);
      done(127);
    });
    child.on("exit", (code, signal) => {
      if (code !== null) done(code);
      else done(128 + ((signal && constants.signals[signal]) || 1));
    });
  });
}

async function main() {
  const [taskName, ...args] = process.argv.slice(2);
  if (taskName === undefined || taskName === "-h" || taskName === "--help") {
    process.stderr.write(`${usage()}\n`);
    return taskName === undefined ? 2 : 0;
  }
  const task = Object.hasOwn(TASKS, taskName) ? TASKS[taskName] : undefined;
  if (!task) {
    process.stderr.write(`unknown task ${JSON.stringify(taskName)}\n${usage()}\n`);
    return 2;
  }

  const pnpm = findPnpm();
  const reason = installReason();
  if (reason !== undefined) {
    const install = [...pnpm, "install", ...(process.env.CI ? ["--frozen-lockfile"] : [])];
    say(`installing dependencies (${reason}): ${install.join(" ")}`);
    const code = await run(install);
    if (code !== 0) return code;
    // pnpm leaves .modules.yaml untouched when already up to date; mark the install
    // as current so the next run does not install again.
    const modules = join(root, "node_modules", ".modules.yaml");
    if (existsSync(modules) && installReason() !== undefined) {
      const now = new Date();
      utimesSync(modules, now, now);
    }
  }

  const command = [...pnpm, ...task.command(args)];
  say(command.join(" "));
  return run(command);
}

process.exitCode = await main();
