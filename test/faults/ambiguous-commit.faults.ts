/**
 * The ambiguous commit: the proxy forwards a publish's statement to the server and cuts the
 * connection before the reply comes back, so the caller cannot know whether it committed. The
 * caller retries every such publish with the same `metadata.event_id`; each event must end up in
 * the table exactly once, and a member must handle each once, in order.
 */
import { randomUUID } from "node:crypto";
import { createPostbus, PostbusError } from "@postbus/client";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startFaultProxy } from "./support/fault-proxy.js";
import { startMember } from "./support/members.js";
import { countOutcome, type GroupUnderTest, settledOutcome } from "./support/outcomes.js";
import { reportScenario } from "./support/report.js";
import { useFaultServer } from "./support/use-fault-server.js";

const fault = useFaultServer("ambiguous-commit");
const GROUP: GroupUnderTest = { group: "ambiguous", channels: ["ambiguous.a"] };
const WORKERS = 8;
const PER_WORKER = 30;
/** What an unknown commit outcome is reported as (POSTBUS_DATABASE_ERROR until it had its own code). */
const RETRYABLE = new Set(["POSTBUS_COMMIT_UNKNOWN", "POSTBUS_DATABASE_ERROR"]);
const MAX_ATTEMPTS = 5;

describe("ambiguous commit", () => {
  it("publishes cut off mid-commit and retried with the same event_id: exactly one row each", async () => {
    const member = await startMember({ url: fault.url, name: "ambiguous", ...GROUP });
    const proxy = await startFaultProxy(fault.server.port);
    const pool = new pg.Pool({
      connectionString: proxy.via(fault.url),
      max: WORKERS,
      application_name: "fault-ambiguous",
    });
    pool.on("error", () => {});
    const bus = createPostbus({ db: pool, listen: false, onBackgroundError: () => {} });
    // Every other event's first attempt is cut right after its statement reaches the server.
    const toCut = new Set<string>();
    proxy.cutAfter((chunk) => {
      const id = /"event_id":"([0-9a-f-]{36})"/.exec(chunk.toString("latin1"))?.[1];
      return id !== undefined && toCut.delete(id);
    });

    const ids: string[] = [];
    const codes = new Map<string, number>();
    let committedDespiteError = 0;
    const recoveries: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, worker) => {
          for (let seq = 1; seq <= PER_WORKER; seq++) {
            const eventId = randomUUID();
            ids.push(eventId);
            if (seq % 2 === 0) toCut.add(eventId);
            let failedAt: number | undefined;
            for (let attempt = 1; ; attempt++) {
              try {
                await bus.publish(
                  "ambiguous.a",
                  { key: `w${worker}`, seq },
                  { metadata: { event_id: eventId } },
                );
                if (failedAt !== undefined) recoveries.push((Date.now() - failedAt) / 1000);
                break;
              } catch (error) {
                const code = error instanceof PostbusError ? error.code : String(error);
                codes.set(code, (codes.get(code) ?? 0) + 1);
                if (!RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
                failedAt ??= Date.now();
                if ((await rowsOf(eventId)) > 0) committedDespiteError += 1;
              }
            }
          }
        }),
      );
    } finally {
      proxy.cutAfter(undefined);
      await bus.close();
      await pool.end();
      await proxy.close();
    }

    const { rows } = await fault.pool.query<{ lost: number; extra: number }>(
      `WITH attempted AS (SELECT unnest($1::text[]) AS event_id),
            stored AS (SELECT data -> 'metadata' ->> 'event_id' AS event_id, count(*)::int AS n
                         FROM events WHERE channel = 'ambiguous.a' GROUP BY 1)
       SELECT count(*) FILTER (WHERE s.n IS NULL)::int AS lost, coalesce(sum(s.n - 1), 0)::int AS extra
         FROM attempted a LEFT JOIN stored s USING (event_id)`,
      [ids],
    );
    const handled = await settledOutcome(fault.pool, [GROUP], 30_000);
    expect(await member.stop()).toBe(0);
    const final = await countOutcome(fault.pool, [GROUP]);
    const failures = [...codes].map(([code, n]) => `${n} × ${code}`).join(", ");
    reportScenario(
      "ambiguous commit (connection cut after the statement, retried with the same event_id)",
      {
        events: ids.length,
        lost: rows[0]!.lost + final.lost,
        duplicated: rows[0]!.extra + handled.duplicated,
        outOfOrder: final.outOfOrder,
        phantom: 0,
      },
      recoveries,
      `recovery = first failure to the retry that succeeded; ${failures || "no failures"}; ${committedDespiteError} already committed when the error was caught`,
    );
    expect(codes.size).toBeGreaterThan(0);
    expect(committedDespiteError).toBeGreaterThan(0);
  });
});

/** Rows in the table with this event_id (read directly, not through the proxy). */
async function rowsOf(eventId: string): Promise<number> {
  const { rows } = await fault.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM events WHERE data -> 'metadata' ->> 'event_id' = $1",
    [eventId],
  );
  return rows[0]!.n;
}
