/**
 * Contracts as they were at a git commit, read straight from the object database
 * (`git ls-tree`, `git cat-file --batch`): no checkout, no temporary clone, the working
 * tree untouched. Errors are {@link CheckInputError}s naming what to do.
 */
import { spawn } from "node:child_process";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { PostbusInputError } from "@postbus/client";
import { isSchemaPath, type SchemaSource } from "../load/load-schemas.js";

/** A problem with what `postbus check` was asked to compare against (exit code 2). */
export class CheckInputError extends PostbusInputError {}

/** A commit's schema files, as a {@link SchemaSource} for the loader. */
export interface GitSnapshot {
  /** The ref as given, e.g. `HEAD`, `main`, `v1.2.0`. */
  readonly ref: string;
  /** The full commit id it names. */
  readonly commit: string;
  readonly source: SchemaSource;
}

/** A git repository holding the project. */
export interface GitRepository {
  /** Absolute path of the work tree's top folder. */
  readonly top: string;
  /** The schema snapshot at `ref`. */
  readonly snapshot: (ref: string) => Promise<GitSnapshot>;
  /** Commits reachable from `ref` that changed the schema folder (newest first, at most `limit`). */
  readonly history: (ref: string, limit: number) => Promise<string[]>;
}

/**
 * Opens the repository that holds `root` (the folder of postbus.config.json) and checks
 * that `schemasDir` lies inside it.
 */
export async function openGitRepository(root: string, schemasDir: string): Promise<GitRepository> {
  const probe = await git(root, ["rev-parse", "--show-toplevel"]);
  if (probe.code !== 0) {
    throw new CheckInputError(
      "POSTBUS_CHECK_NOT_A_REPOSITORY",
      `${root} is not inside a git repository, so there is no history to compare the contracts with`,
      {
        hint: "Run postbus check in a git work tree (git init, commit the contracts), or pass --config to one",
      },
    );
  }
  const top = probe.stdout.toString("utf8").trim();
  // git answers with real paths: compare like with like (the project may be reached through a symlink).
  const realRoot = await realpath(root);
  const realSchemas = await realpath(schemasDir).catch(() =>
    path.join(realRoot, path.relative(root, schemasDir)),
  );
  const folder = path.relative(top, realSchemas).split(path.sep).join("/");
  if (folder.startsWith("..") || path.isAbsolute(folder)) {
    throw new CheckInputError(
      "POSTBUS_CHECK_OUTSIDE_REPOSITORY",
      `The schema folder ${schemasDir} is outside the git repository at ${top}`,
      { hint: 'Set "schemas" in postbus.config.json to a folder inside the repository' },
    );
  }
  const prefix = folder === "" ? "" : `${folder}/`;
  return {
    top,
    snapshot: async (ref) => {
      const commit = await resolveCommit(top, ref);
      const files = await readTree(top, commit, folder);
      const byAbsolute = new Map(
        [...files].map(
          ([relative, text]) => [path.join(schemasDir, relative.slice(prefix.length)), text] as const,
        ),
      );
      return {
        ref,
        commit,
        source: {
          list: async (dir) => {
            if (path.resolve(dir) !== path.resolve(schemasDir)) return undefined;
            return [...files.keys()]
              .filter((file) => file.startsWith(prefix))
              .map((file) => file.slice(prefix.length))
              .filter(isSchemaPath)
              .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          },
          read: async (file) => {
            const text = byAbsolute.get(file);
            if (text === undefined) throw new Error(`${file} is not in commit ${commit}`);
            return text;
          },
        },
      };
    },
    history: async (ref, limit) => {
      const commit = await resolveCommit(top, ref);
      const result = await git(top, [
        "log",
        `--max-count=${limit}`,
        "--format=%H",
        commit,
        "--",
        folder || ".",
      ]);
      return result.stdout.toString("utf8").split("\n").filter(Boolean);
    },
  };
}

async function resolveCommit(top: string, ref: string): Promise<string> {
  if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) {
    throw new CheckInputError("POSTBUS_CHECK_UNKNOWN_REF", `"${ref}" is not a git ref`, {
      hint: "Pass a branch, tag or commit, e.g. --against main",
    });
  }
  const result = await git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  const commit = result.stdout.toString("utf8").trim();
  if (result.code !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new CheckInputError(
      "POSTBUS_CHECK_UNKNOWN_REF",
      `The git ref "${ref}" does not name a commit here`,
      {
        hint: "Check the spelling, fetch the branch (git fetch origin main), or pass a commit id; a new repository needs a first commit",
      },
    );
  }
  return commit;
}

/** Every file under `folder` at `commit` (paths relative to the top, `/`-separated) with its text. */
async function readTree(top: string, commit: string, folder: string): Promise<Map<string, string>> {
  const listing = await git(top, [
    "ls-tree",
    "-r",
    "-z",
    "--full-tree",
    commit,
    "--",
    folder === "" ? "." : folder,
  ]);
  if (listing.code !== 0) throw new Error(`git ls-tree failed: ${listing.stderr.toString("utf8").trim()}`);
  const entries = listing.stdout
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .flatMap((line) => {
      const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line);
      return match === null ? [] : [{ blob: match[1] as string, file: match[2] as string }];
    })
    .filter((entry) => isSchemaPath(entry.file));
  const files = new Map<string, string>();
  if (entries.length === 0) return files;
  const batch = await git(top, ["cat-file", "--batch"], entries.map((entry) => `${entry.blob}\n`).join(""));
  let offset = 0;
  for (const entry of entries) {
    const newline = batch.stdout.indexOf(10, offset);
    const header = batch.stdout.subarray(offset, newline).toString("utf8");
    const size = Number(header.split(" ")[2]);
    if (!Number.isInteger(size)) throw new Error(`git cat-file: unexpected answer "${header}"`);
    files.set(entry.file, batch.stdout.subarray(newline + 1, newline + 1 + size).toString("utf8"));
    offset = newline + 1 + size + 1;
  }
  return files;
}

function git(
  cwd: string,
  args: readonly string[],
  input?: string,
): Promise<{ code: number; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn("git", args, {
      cwd,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) =>
      resolve({ code: 127, stdout: Buffer.alloc(0), stderr: Buffer.from(error.message) }),
    );
    child.on("close", (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
    if (input !== undefined && child.stdin !== null) {
      // git may exit before reading all of it (a missing object): its exit code tells, not EPIPE.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
    }
  });
}
