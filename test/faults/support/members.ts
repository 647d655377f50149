/**
 * Members as real processes (test/faults/fixtures/member.ts), which a scenario can SIGKILL or
 * partition; `spawnFixture` runs them.
 */
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type FixtureProcess, spawnFixture } from "../../support/fixture-process.js";
import type { MemberConfig } from "./member-config.js";

const MEMBER = fileURLToPath(new URL("../fixtures/member.ts", import.meta.url));
const READY_TIMEOUT_MS = 30_000;

/** A running member process. */
export interface Member extends FixtureProcess {
  readonly config: MemberConfig;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGTERM, then the exit code (0 when it closed cleanly). */
  stop(): Promise<number | null>;
}

/** Every member a scenario started and that has not exited; `afterAll` kills what is left. */
export const liveMembers = new Set<ChildProcess>();

/** Starts a member and resolves once it prints `ready` (bounded). */
export async function startMember(config: MemberConfig): Promise<Member> {
  const fixture = spawnFixture(MEMBER, [JSON.stringify(config)], liveMembers);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void fixture.exited.then((code) => {
    exitCode = code;
  });
  while (!fixture.lines.includes("ready")) {
    if (exitCode !== undefined) throw new Error(`member ${config.name} exited with ${exitCode} before ready`);
    if (Date.now() > deadline) {
      fixture.child.kill("SIGKILL");
      throw new Error(`member ${config.name} was not ready within ${READY_TIMEOUT_MS} ms`);
    }
    await sleep(20);
  }
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    fixture.child.kill(signal);
    return fixture.exited;
  };
  return { ...fixture, config, kill, stop: () => kill("SIGTERM") };
}

/** Kills every member still running. */
export function killAllMembers(): void {
  for (const child of liveMembers) child.kill("SIGKILL");
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
