/**
 * The half-open member: its connections stall mid-batch (a partition, a frozen VM) while it holds
 * its group's lease and an xid. Within the batch deadline the server must drop that transaction, so
 * another member of the group takes over and the read horizon moves on for every other group.
 */
import { createPostbus } from "@postbus/client";
import { describe, expect, it } from "vitest";
import { startFaultProxy } from "./support/fault-proxy.js";
import { sleep, startMember } from "./support/members.js";
import { type GroupUnderTest, recoverySeconds, settledOutcome } from "./support/outcomes.js";
import { startPublishers } from "./support/publishers.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("half-open");
/** The documented default of subscribe's `batchTimeoutMs`. */
const DEFAULT_BATCH_TIMEOUT_MS = 30_000;
/** Replacement and other groups' delay must stay within the deadline plus this. */
const SLACK_MS = 5_000;
/** How long the scenario waits for a takeover at all: beyond the deadline. */
const GIVE_UP_MS = 45_000;

describe("half-open member", () => {
  it.each([
    { label: "3 s (batchTimeoutMs: 3000)", batchTimeoutMs: 3_000 as number | undefined, key: "short" },
    { label: "30 s (the default)", batchTimeoutMs: undefined, key: "default" },
  ])(
    "a member stalled mid-batch loses its lease and xid within the deadline, $label; another takes over; other groups flow",
    async ({ label, batchTimeoutMs, key }) => {
      const BATCH_TIMEOUT_MS = batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
      const TIMEOUTS = batchTimeoutMs === undefined ? undefined : { batchTimeoutMs };
      const PARTITIONED: GroupUnderTest = { group: `half-open-${key}`, channels: [`half.${key}.a`] };
      const OTHER: GroupUnderTest = { group: `half-open-${key}-other`, channels: [`half.${key}.b`] };
      const proxy = await startFaultProxy(fault.server.port);
      try {
        const partitioned = await startMember({
          url: proxy.via(fault.url),
          name: "partitioned",
          pauseMs: 500,
          subscribe: TIMEOUTS,
          ...PARTITIONED,
        });
        const other = await startMember({ url: fault.url, name: "other", subscribe: TIMEOUTS, ...OTHER });
        const bus = createPostbus({ db: fault.pool, listen: false });
        await bus.publishMany([
          { type: PARTITIONED.channels[0]!, data: { key: "first", seq: 1, pause: true } },
          ...Array.from({ length: 9 }, (_, i) => ({
            type: PARTITIONED.channels[0]!,
            data: { key: "first", seq: i + 2 },
          })),
        ]);
        await bus.close();
        for (let waited = 0; !partitioned.lines.some((line) => line.startsWith("paused")); waited += 20) {
          if (waited > 15_000) throw new Error("the member never reached its mid-batch pause");
          await sleep(20);
        }
        // Mid-batch, with its lease and its write's xid: cut it off without closing anything.
        proxy.stall(undefined, { newOnes: true });
        const stalledAt = Date.now();
        const publishers = startPublishers({
          url: fault.url,
          publishers: 2,
          channels: [...PARTITIONED.channels, ...OTHER.channels],
          durationMs: GIVE_UP_MS + 20_000,
          pauseMs: 20,
        });
        const replacement = await startMember({
          url: fault.url,
          name: "replacement",
          subscribe: TIMEOUTS,
          ...PARTITIONED,
        });
        const replacedIn = await recoverySeconds(fault.pool, stalledAt, {
          group: PARTITIONED.group,
          timeoutMs: GIVE_UP_MS,
        });
        await sleep(1_000);
        const stats = await publishers.stop();
        await partitioned.kill("SIGKILL");
        proxy.cut();
        const outcome = await settledOutcome(fault.pool, [PARTITIONED, OTHER], 30_000);
        // Every event is handled by now, so the delay of those held behind the stalled xid counts in full.
        const otherWorst = await worstDelaySeconds(OTHER.group, stalledAt);
        const exits = await Promise.all([replacement.stop(), other.stop()]);
        reportScenario(
          `half-open member (stalled mid-batch, batch deadline ${label})`,
          outcome,
          [replacedIn],
          `replaced ${replacedIn === undefined ? `not within ${GIVE_UP_MS / 1000} s` : `after ${replacedIn.toFixed(2)} s`}; ` +
            `other group's worst delay during the stall ${otherWorst.toFixed(2)} s; ${stats.committed} published`,
        );
        expect(replacedIn).toBeLessThanOrEqual((BATCH_TIMEOUT_MS + SLACK_MS) / 1000);
        expect(otherWorst).toBeLessThanOrEqual((BATCH_TIMEOUT_MS + SLACK_MS) / 1000);
        expect(exits).toEqual([0, 0]);
      } finally {
        await proxy.close();
      }
    },
  );
});

/** The longest commit-to-handled delay of `group`'s events written after `sinceMs`, in seconds. */
async function worstDelaySeconds(group: string, sinceMs: number): Promise<number> {
  const { rows } = await fault.pool.query<{ worst: number | null }>(
    `SELECT extract(epoch FROM max(h.handled_at - (e.created_at AT TIME ZONE current_setting('TimeZone'))))::float8 AS worst
       FROM fault_handled h JOIN events e ON e.id = h.event_id
      WHERE h.grp = $1 AND e.created_at AT TIME ZONE current_setting('TimeZone') > to_timestamp($2::float8 / 1000)`,
    [group, sinceMs],
  );
  return rows[0]?.worst ?? Number.POSITIVE_INFINITY;
}
