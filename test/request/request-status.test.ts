import { createPostbus, fromPool, isPostbusError, migrate, type Postbus, readStatus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, requests: { pollIntervalMs: 50, lateReplyWindowMs: 0 } });
});
afterAll(() => bus.close());

const insertRequest = (channel: string, eventId: string, expiresAt: Date) =>
  pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
    channel,
    {
      event_type: `${channel}.requested`,
      timestamp: new Date().toISOString(),
      data: {},
      metadata: { event_id: eventId, reply_to: channel, expires_at: expiresAt.toISOString() },
    },
  ]);
const insertReply = (channel: string, requestId: string, error = false) =>
  pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
    channel,
    {
      event_type: `${channel}.answered`,
      timestamp: new Date().toISOString(),
      data: {},
      metadata: { request_id: requestId, ...(error ? { reply_error: true } : {}) },
    },
  ]);

describe("request-response in postbus status", () => {
  it("counts answered, error replies, waiting, expired and late replies per request type, with round-trip percentiles", async () => {
    const responder = bus.respond({
      requestType: "calc.requested",
      responseType: "calc.answered",
      errorResponseType: "calc.failed",
      channel: "calc",
      pollIntervalMs: 50,
      handler: (request, { replyError }) =>
        (request.data as { n: number }).n < 0 ? replyError({ message: "negative" }) : { ok: true },
    });
    for (let n = 0; n < 5; n += 1) {
      await bus.request("calc.requested", { n }, { channel: "calc", replyTo: "calc", timeoutMs: 20_000 });
    }
    const failed = await bus
      .request("calc.requested", { n: -1 }, { channel: "calc", replyTo: "calc", timeoutMs: 20_000 })
      .catch((error: unknown) => error);
    expect(isPostbusError(failed, "POSTBUS_REPLY_ERROR")).toBe(true);
    await responder.close();

    // Written as another service would: one waiting, one expired unanswered, one answered late.
    const hour = 3_600_000;
    await insertRequest("lookup", "00000000-0000-4000-8000-000000000001", new Date(Date.now() + hour));
    await insertRequest("lookup", "00000000-0000-4000-8000-000000000002", new Date(Date.now() - hour));
    await insertRequest("lookup", "00000000-0000-4000-8000-000000000003", new Date(Date.now() - hour));
    await insertReply("lookup", "00000000-0000-4000-8000-000000000003");

    const status = await readStatus(fromPool(pool));
    expect(status.requests.map((row) => [row.requestType, row.channel])).toEqual([
      ["calc.requested", "calc"],
      ["lookup.requested", "lookup"],
    ]);
    const [calc, lookup] = status.requests;
    expect(calc).toMatchObject({
      requests: 6,
      answered: 6,
      errorReplies: 1,
      pending: 0,
      expired: 0,
      lateReplies: 0,
      oldestPendingSeconds: 0,
    });
    expect(calc!.roundTripMs!.p50).toBeGreaterThanOrEqual(0);
    expect(calc!.roundTripMs!.p99).toBeGreaterThanOrEqual(calc!.roundTripMs!.p50);
    expect(calc!.roundTripMs!.max).toBeGreaterThanOrEqual(calc!.roundTripMs!.p99);
    expect(lookup).toMatchObject({
      requests: 3,
      answered: 1,
      errorReplies: 0,
      pending: 1,
      expired: 1,
      lateReplies: 1,
    });
    expect(lookup!.oldestPendingSeconds).toBeGreaterThanOrEqual(0);

    const windowed = await readStatus(fromPool(pool), { requestWindow: 2 });
    expect(windowed.requests.reduce((sum, row) => sum + row.requests, 0)).toBe(2);
    await expect(readStatus(fromPool(pool), { requestWindow: 0 })).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
    });
  });

  it("postbus status prints them", async () => {
    const out: string[] = [];
    const code = await runCli(["status", "--database-url", db.url], {
      out: (line) => out.push(line),
      err: () => {},
    });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("Requests (most recent):");
    expect(text).toMatch(
      /calc\.requested on calc: 6 requests, 6 answered \(1 with an error reply\), 0 waiting, 0 expired unanswered, 0 late replies/,
    );
    expect(text).toMatch(/round trip p50 \d+ ms, p99 \d+ ms, max \d+ ms; last request \d{4}-/);
    expect(text).toMatch(
      /lookup\.requested on lookup: 3 requests, 1 answered .* 1 waiting, 1 expired unanswered, 1 late replies/,
    );
    expect(text).toMatch(/oldest waiting [\d.]+ s/);
  });

  it("a round trip includes the responder's handler time", async () => {
    const responder = bus.respond({
      requestType: "slowcalc.requested",
      responseType: "slowcalc.answered",
      pollIntervalMs: 50,
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return {};
      },
    });
    await bus.request("slowcalc.requested", {}, { timeoutMs: 20_000 });
    await responder.close();
    const row = (await readStatus(fromPool(pool))).requests.find(
      (r) => r.requestType === "slowcalc.requested",
    );
    expect(row?.roundTripMs?.max).toBeGreaterThanOrEqual(300);
  });

  it("a timed-out request shows as expired until a reply comes", async () => {
    const error = await bus
      .request("slow.requested", {}, { timeoutMs: 30 })
      .catch((caught: unknown) => caught);
    expect(isPostbusError(error, "POSTBUS_REQUEST_TIMEOUT")).toBe(true);
    const row = await eventually(
      async () => (await readStatus(fromPool(pool))).requests.find((r) => r.requestType === "slow.requested"),
      (found) => found?.expired === 1,
    );
    expect(row).toMatchObject({ requests: 1, answered: 0, pending: 0, expired: 1 });
  });
});
