import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A fixture script running in a process of its own. */
export interface FixtureProcess {
  readonly child: ChildProcess;
  /** Its stdout, line by line, as it arrives. */
  readonly lines: string[];
  /** Resolves with its exit code once it has exited. */
  readonly exited: Promise<number | null>;
}

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Runs `file` under tsx from the repository root with `args`, its stderr shown and its
 * stdout collected in `lines`. The child is in `children` until it exits, so a test
 * file's `afterAll` can kill whatever is left.
 */
export function spawnFixture(
  file: string,
  args: readonly string[],
  children: Set<ChildProcess>,
): FixtureProcess {
  const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const lines: string[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}
