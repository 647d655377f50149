/**
 * SIGKILLed members: the member holding a group's lease is killed mid-batch, again and again, and
 * replaced; the surviving members take over the batch from the cursor. Its uncommitted handler
 * writes vanish with it, so nothing is lost, duplicated or reordered, and the other group never
 * notices.
 */
import { describe, expect, it } from "vitest";
import { type Member, sleep, startMember } from "./support/members.js";
import { type GroupUnderTest, recoverySeconds, settledOutcome } from "./support/outcomes.js";
import { startPublishers } from "./support/publishers.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("member-kill");
const SHARED: GroupUnderTest = { group: "kill-shared", channels: ["kill.a", "kill.b"] };
const OTHER: GroupUnderTest = { group: "kill-other", channels: ["kill.b"] };
const KILLS = 6;

describe("SIGKILLed members", () => {
  it("the lease holder SIGKILLed mid-batch, six times: another member takes over, nothing lost or doubled", async () => {
    let serial = 0;
    const startShared = () =>
      startMember({
        url: fault.url,
        name: `shared-${serial++}`,
        handlerDelayMs: 2,
        batchSize: 25,
        ...SHARED,
      });
    const shared = new Map<string, Member>();
    for (const member of await Promise.all([startShared(), startShared(), startShared()]))
      shared.set(member.config.name, member);
    const other = await startMember({ url: fault.url, name: "other", ...OTHER });
    const publishers = startPublishers({
      url: fault.url,
      publishers: 2,
      channels: ["kill.a", "kill.b"],
      durationMs: 90_000,
      pauseMs: 20,
    });

    const recoveries: Array<number | undefined> = [];
    let midBatch = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(1_000);
      const holder = await leaseHolder();
      const victim = (holder === undefined ? undefined : shared.get(holder)) ?? [...shared.values()][0]!;
      if (holder !== undefined && shared.has(holder)) midBatch += 1;
      shared.delete(victim.config.name);
      await victim.kill("SIGKILL");
      const killedAt = Date.now();
      const replacement = startShared();
      recoveries.push(
        await recoverySeconds(fault.pool, killedAt, { group: SHARED.group, timeoutMs: 20_000 }),
      );
      const started = await replacement;
      shared.set(started.config.name, started);
    }
    await sleep(1_000);
    const stats = await publishers.stop();
    const outcome = await settledOutcome(fault.pool, [SHARED, OTHER], 30_000);
    const exits = await Promise.all([...shared.values(), other].map((member) => member.stop()));
    reportScenario(
      `SIGKILLed members (${KILLS} kills, ${midBatch} of the lease holder)`,
      outcome,
      recoveries,
      `recovery = kill to the next committed batch of the group; ${stats.committed} published`,
    );
    expect(midBatch).toBeGreaterThan(0);
    expect(exits).toEqual(exits.map(() => 0));
  });
});

/** The member (name) whose batch transaction holds the shared group's lease right now, if any. */
async function leaseHolder(): Promise<string | undefined> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const { rows } = await fault.pool.query<{ name: string }>(
      `SELECT substr(a.application_name, length('fault-member-') + 1) AS name
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'fault-member-shared-%'
        LIMIT 1`,
    );
    if (rows[0]) return rows[0].name;
    await sleep(25);
  }
  return undefined;
}
