/**
 * Listener faults: the LISTEN connection terminated by the server (pg_terminate_backend) and
 * stalled on the wire (the proxy stops forwarding it without closing it). Members poll only every
 * 10 s here, so a quick recovery means their LISTEN came back; nothing is lost either way.
 */
import { describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.js";
import { sleep, startMember } from "./support/members.js";
import { type GroupUnderTest, recoverySeconds, settledOutcome } from "./support/outcomes.js";
import { startPublishers } from "./support/publishers.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("listener");
const LISTENER = "postbus-listener";
const POLL_MS = 10_000;
const TERMINATED: GroupUnderTest = { group: "listen-terminated", channels: ["listen.a"] };
const STALLED: GroupUnderTest = { group: "listen-stalled", channels: ["listen.b"] };

describe("listener faults", () => {
  it("pg_terminate_backend of the LISTEN connection, eight times: delivery resumes, nothing lost", async () => {
    const member = await startMember({
      url: fault.url,
      name: "terminated",
      pollIntervalMs: POLL_MS,
      ...TERMINATED,
    });
    const publishers = startPublishers({
      url: fault.url,
      publishers: 2,
      channels: TERMINATED.channels,
      durationMs: 60_000,
      pauseMs: 20,
    });
    const recoveries: Array<number | undefined> = [];
    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await sleep(800);
      const { rows } = await fault.pool.query<{ n: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1`,
        [LISTENER],
      );
      terminated += rows[0]!.n;
      recoveries.push(
        await recoverySeconds(fault.pool, Date.now(), { group: TERMINATED.group, timeoutMs: 25_000 }),
      );
    }
    await publishers.stop();
    const outcome = await settledOutcome(fault.pool, [TERMINATED], 30_000);
    const gaveUp = member.lines.filter((line) => line.startsWith("listen-warning")).length;
    expect(await member.stop()).toBe(0);
    reportScenario(
      "listener terminations (8 × pg_terminate_backend)",
      outcome,
      recoveries,
      `recovery = termination to the next committed batch (polling every ${POLL_MS / 1000} s); listener fell back to polling ${gaveUp} times`,
    );
    expect(terminated).toBe(8);
  });

  it("the LISTEN connection stalled on the wire, four times: the heartbeat replaces it, nothing lost", async () => {
    const proxy: FaultProxy = await startFaultProxy(fault.server.port);
    try {
      const member = await startMember({
        url: proxy.via(fault.url),
        name: "stalled",
        pollIntervalMs: POLL_MS,
        heartbeatMs: 500,
        ...STALLED,
      });
      const publishers = startPublishers({
        url: fault.url,
        publishers: 2,
        channels: STALLED.channels,
        durationMs: 60_000,
        pauseMs: 20,
      });
      const recoveries: Array<number | undefined> = [];
      const listenersBefore = proxy.accepted(LISTENER);
      const relisten: number[] = [];
      const liveListener = () =>
        proxy
          .connections()
          .some((connection) => connection.applicationName === LISTENER && !connection.stalled);
      for (let round = 0; round < 4; round++) {
        await sleep(500);
        const stalled = proxy.stall(
          (connection) => connection.applicationName === LISTENER && !connection.stalled,
        );
        expect(stalled).toBe(1);
        const stalledAt = Date.now();
        recoveries.push(
          await recoverySeconds(fault.pool, stalledAt, { group: STALLED.group, timeoutMs: 25_000 }),
        );
        while (!liveListener() && Date.now() - stalledAt < 25_000) await sleep(20);
        relisten.push((Date.now() - stalledAt) / 1000);
      }
      await publishers.stop();
      const outcome = await settledOutcome(fault.pool, [STALLED], 30_000);
      const reconnects = proxy.accepted(LISTENER) - listenersBefore;
      const gaveUp = member.lines.filter((line) => line.startsWith("listen-warning")).length;
      expect(await member.stop()).toBe(0);
      reportScenario(
        "listener stalls (4 × half-open LISTEN connection)",
        outcome,
        recoveries,
        `recovery = stall to the next committed batch (heartbeat 0.5 s, polling every ${POLL_MS / 1000} s); ${reconnects} new LISTEN connections, each within ${Math.max(...relisten).toFixed(2)} s; fell back to polling ${gaveUp} times`,
      );
      expect(reconnects).toBeGreaterThanOrEqual(4);
    } finally {
      await proxy.close();
    }
  });
});
