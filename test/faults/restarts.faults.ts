/**
 * Server restarts: PostgreSQL shut down fast and immediately (and started again on the same data),
 * and frozen with SIGSTOP, while publishers and members keep going. The members survive each, and
 * resume; nothing is lost, duplicated or reordered.
 */
import { describe, expect, it } from "vitest";
import type { ShutdownMode } from "./support/fault-server.js";
import { sleep, startMember } from "./support/members.js";
import { type GroupUnderTest, recoverySeconds, settledOutcome } from "./support/outcomes.js";
import { startPublishers } from "./support/publishers.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("restarts");
const GROUPS: GroupUnderTest[] = [
  { group: "restart-both", channels: ["restart.a", "restart.b"] },
  { group: "restart-a", channels: ["restart.a"] },
];
const RESTARTS: ShutdownMode[] = ["fast", "immediate", "fast", "immediate"];
const FREEZE_MS = 3_000;

describe("server restarts", () => {
  it("fast and immediate restarts and a SIGSTOP freeze: members survive, resume, lose nothing", async () => {
    const members = await Promise.all(
      // The second member's pool has no 'error' listener of its own: Postbus's must keep it alive.
      GROUPS.map((group, i) =>
        startMember({ url: fault.url, name: `restart-${i}`, poolErrorListener: i === 0, ...group }),
      ),
    );
    const publishers = startPublishers({
      url: fault.url,
      publishers: 4,
      channels: ["restart.a", "restart.b"],
      durationMs: 90_000,
      pauseMs: 5,
    });
    const recoveries: Array<number | undefined> = [];
    const perFault: string[] = [];
    for (const mode of RESTARTS) {
      await sleep(1_500);
      const readyAt = await fault.server.restart(mode);
      const seconds = await recoverySeconds(fault.pool, readyAt, { timeoutMs: 20_000 });
      recoveries.push(seconds);
      perFault.push(`${mode} ${seconds?.toFixed(2) ?? "never"} s`);
    }
    await sleep(1_500);
    await fault.server.freeze();
    await sleep(FREEZE_MS);
    fault.server.thaw();
    const thawedAt = Date.now();
    const seconds = await recoverySeconds(fault.pool, thawedAt, { timeoutMs: 20_000 });
    recoveries.push(seconds);
    perFault.push(`SIGSTOP ${FREEZE_MS / 1000} s ${seconds?.toFixed(2) ?? "never"} s`);
    await sleep(1_000);

    const stats = await publishers.stop();
    const outcome = await settledOutcome(fault.pool, GROUPS, 30_000);
    const exits = await Promise.all(members.map((member) => member.stop()));
    reportScenario(
      "server restarts (2 fast, 2 immediate, 1 SIGSTOP)",
      outcome,
      recoveries,
      `after server ready: ${perFault.join(", ")}; ${stats.failed} publishes failed during outages`,
    );
    // Every member lived through all of it and closed cleanly.
    expect(exits).toEqual(members.map(() => 0));
  });
});
