/**
 * Soak: concurrent publishers, a tenth of their transactions rolled back, three consumer groups
 * (one of them shared by two members) — nothing lost, duplicated, reordered or rolled back but seen.
 */
import { describe, expect, it } from "vitest";
import { startMember } from "./support/members.js";
import { type GroupUnderTest, settledOutcome } from "./support/outcomes.js";
import { startPublishers } from "./support/publishers.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("soak");
const CHANNELS = ["soak.a", "soak.b"];
const GROUPS: GroupUnderTest[] = [
  { group: "soak-both", channels: CHANNELS },
  { group: "soak-a", channels: ["soak.a"] },
  { group: "soak-b", channels: ["soak.b"] },
];
describe("soak", () => {
  it("concurrent publishers with 10% rollbacks: every group handles every committed event once, in order", async () => {
    const members = await Promise.all([
      startMember({ url: fault.url, name: "both-1", ...GROUPS[0]! }),
      startMember({ url: fault.url, name: "both-2", ...GROUPS[0]! }),
      startMember({ url: fault.url, name: "a", ...GROUPS[1]! }),
      startMember({ url: fault.url, name: "b", ...GROUPS[2]! }),
    ]);
    const started = Date.now();
    const publishers = startPublishers({
      url: fault.url,
      publishers: 8,
      channels: CHANNELS,
      durationMs: 15_000,
      rollbackRate: 0.1,
    });
    const stats = await publishers.done;
    const outcome = await settledOutcome(fault.pool, GROUPS, 60_000);
    const caughtUp = (Date.now() - started) / 1000;
    for (const member of members) expect(await member.stop()).toBe(0);
    reportScenario(
      "soak (8 publishers, 10% rollbacks, 3 groups)",
      outcome,
      [],
      `${stats.rolledBack} rolled back, ${stats.failed} failed publishes, all handled ${caughtUp.toFixed(1)} s after start`,
    );
    expect(stats.rolledBack).toBeGreaterThan(0);
    expect(outcome.events).toBe(stats.committed);
  });
});
