import { createPostbus, type DeliveryStalled, fromPool, migrate, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { type RestartablePostgres, startRestartablePostgres } from "../support/restartable-postgres.js";

// A server of this file's own: the read horizon is server-wide, and the stall test must know the
// one transaction that holds it (another test file's would be named instead).
let server: RestartablePostgres;
let pool: pg.Pool;
let bus: Postbus;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli([...argv, "--database-url", server.url], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { status, out, err };
}

beforeAll(async () => {
  server = await startRestartablePostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, logger: silent });
}, 60_000);
afterAll(async () => {
  await bus?.close();
  await pool?.end();
  await server?.stop();
});

describe("postbus status --check and bus.health()", () => {
  it("exits 0 with 'ok' when nothing is wrong", async () => {
    const result = await cli(["status", "--check"]);
    expect(result).toMatchObject({ status: 0, out: ["ok: no stall, dead letters or lag beyond the limits"] });
    expect(await bus.health()).toMatchObject({ ok: true, problems: [] });
  });

  it("exits 1 naming the group with dead letters (default limit 0), and 0 when the limit allows them", async () => {
    await bus.publish("hc.dead", { n: 1 });
    await deliverable(pool);
    const stats = await bus.drain({
      group: "hc-dead",
      channels: "hc.dead",
      maxAttempts: 1,
      handler: () => {
        throw new Error("boom");
      },
    });
    expect(stats.deadLettered).toBe(1);
    const result = await cli(["status", "--check"]);
    expect(result.status).toBe(1);
    expect(result.out).toEqual([
      'problem: consumer group "hc-dead" has 1 dead letter (limit 0); see postbus dlq list --group hc-dead',
    ]);
    expect((await cli(["status", "--check", "--max-dead-letters", "1"])).status).toBe(0);
    const report = await bus.health();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: "dead-letters", group: "hc-dead", deadLetters: 1 }),
    ]);
  });

  it("exits 1 naming the group and channel whose next event is older than --max-lag-seconds", async () => {
    await bus.drain({ group: "hc-lag", channels: "hc.lag", handler: () => {} }); // the group, at the start
    await bus.publish("hc.lag", { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const lagging = await cli(["status", "--check", "--max-dead-letters", "9", "--max-lag-seconds", "1"]);
    expect(lagging.status).toBe(1);
    expect(lagging.out).toHaveLength(1);
    expect(lagging.out[0]).toMatch(
      /^problem: consumer group "hc-lag" lags on "hc.lag": its next event is \d+\.\d s old \(limit 1 s\), 1 events behind$/,
    );
    expect(
      (await cli(["status", "--check", "--max-dead-letters", "9", "--max-lag-seconds", "3600"])).status,
    ).toBe(0);
    await bus.drain({ group: "hc-lag", channels: "hc.lag", handler: () => {} });
    expect(
      (await cli(["status", "--check", "--max-dead-letters", "9", "--max-lag-seconds", "1"])).status,
    ).toBe(0);
  });

  it("refuses bad thresholds as usage errors (exit 2) and thresholds without --check", async () => {
    expect((await cli(["status", "--check", "--max-lag-seconds", "soon"])).status).toBe(2);
    expect((await cli(["status", "--max-lag-seconds", "5"])).err[0]).toMatch(
      /--max-lag-seconds needs --check/,
    );
    await expect(bus.health({ maxStallSeconds: -1 })).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
    });
  });
});

describe("a stall held open by a session in another database", () => {
  it("is named with pid, database, application_name, state, age and query by status --check, bus.health(), delivery:stalled and consume --once (exit 1)", async () => {
    await pool.query("CREATE DATABASE hc_reports");
    const otherUrl = new URL(server.url);
    otherUrl.pathname = "/hc_reports";
    const other = new pg.Client({
      connectionString: otherUrl.toString(),
      application_name: "nightly-report",
    });
    await other.connect();
    const stalled: DeliveryStalled[] = [];
    const subscription = bus.subscribe({
      group: "hc-stall-live",
      channels: "hc.stall",
      pollIntervalMs: 50,
      stalledWarningMs: 300,
      handler: () => {},
    });
    subscription.on("delivery:stalled", (payload) => stalled.push(payload));
    try {
      await subscription.ready;
      await bus.drain({ group: "hc-stall", channels: "hc.stall", handler: () => {} });
      await other.query("BEGIN");
      const { rows } = await other.query("SELECT pg_backend_pid() AS pid, pg_current_xact_id() AS xid");
      const pid = rows[0].pid as number;
      await bus.publish("hc.stall", { n: 1 }); // committed, behind the other database's transaction
      await new Promise((resolve) => setTimeout(resolve, 1_300));

      const check = await cli(["status", "--check", "--max-dead-letters", "9", "--max-stall-seconds", "1"]);
      expect(check.status).toBe(1);
      expect(check.out).toHaveLength(1);
      expect(check.out[0]).toContain(
        `problem: delivery is stalled: backend ${pid} (database "hc_reports", application_name "nightly-report", idle in transaction) has held the read horizon for `,
      );
      expect(check.out[0]).toContain(
        'its query: "SELECT pg_backend_pid() AS pid, pg_current_xact_id() AS xid"',
      );
      expect(check.out[0]).toContain("set idle_in_transaction_session_timeout");
      // Under the default limit (30 s) the same transaction is not a problem yet.
      expect((await cli(["status", "--check", "--max-dead-letters", "9"])).status).toBe(0);

      const report = await bus.health({ maxStallSeconds: 1, maxDeadLetters: 9 });
      expect(report.problems[0]).toMatchObject({
        kind: "stall",
        pid,
        database: "hc_reports",
        applicationName: "nightly-report",
        state: "idle in transaction",
      });
      expect(report.problems[0]!.kind === "stall" && report.problems[0]!.groups).toContain("hc-stall");

      const once = await cli(["consume", "hc-stall", "--channel", "hc.stall", "--once"]);
      expect(once.status).toBe(1);
      expect(once.out).toEqual([]);
      expect(once.err[0]).toBe('postbus: consumer group "hc-stall" handled 0 events');
      expect(once.err[1]).toContain(
        `postbus: stalled: consumer group "hc-stall" stopped short: committed events on hc.stall wait behind backend ${pid} (database "hc_reports", application_name "nightly-report", idle in transaction, transaction open `,
      );
      expect(once.err[1]).toContain("set idle_in_transaction_session_timeout");

      await eventually(
        async () => stalled.length,
        (n) => n > 0,
        10_000,
      );
      expect(stalled[0]).toMatchObject({
        group: "hc-stall-live",
        channels: ["hc.stall"],
        blocking: {
          pid,
          database: "hc_reports",
          applicationName: "nightly-report",
          state: "idle in transaction",
        },
      });
      expect(stalled[0]!.blocking!.query).toContain("pg_current_xact_id()");

      await other.query("COMMIT");
      const after = await cli(["consume", "hc-stall", "--channel", "hc.stall", "--once"]);
      expect(after).toMatchObject({ status: 0, err: ['postbus: consumer group "hc-stall" handled 1 event'] });
    } finally {
      await other.query("ROLLBACK").catch(() => {});
      await other.end();
      await subscription.close();
    }
  });
});
