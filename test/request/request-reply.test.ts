import {
  createPostbus,
  createTypedPostbus,
  fromPool,
  isPostbusError,
  type LateReply,
  migrate,
  type Postbus,
  PostbusReplyError,
  type Subscription,
  type TypedPostbus,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";
import { contracts, priceOf } from "./support/quote-contracts.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: TypedPostbus<typeof contracts>;
let raw: Postbus;
const late: LateReply[] = [];
const subscriptions: Subscription[] = [];

/** Requests here wait long: reads are gap-safe, so another test file's open transaction can hold a request back. */
const WAIT = 20_000;

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE quotes_served (request_id text PRIMARY KEY, symbol text)");
  bus = createTypedPostbus({ db: pool, contracts, producer: "desk" });
  raw = createPostbus({
    db: pool,
    producer: "raw",
    requests: { pollIntervalMs: 100, onLateReply: (reply) => late.push(reply) },
  });
  subscriptions.push(
    bus.respond({
      requestType: "quote.requested",
      group: "pricing",
      pollIntervalMs: 200,
      handler: async (request, { tx, requestId, replyError }) => {
        if (request.data.symbol === "NOPE") {
          return replyError({ code: "unknown-symbol", message: `No market for ${request.data.symbol}` });
        }
        await tx.query("INSERT INTO quotes_served (request_id, symbol) VALUES ($1, $2)", [
          requestId,
          request.data.symbol,
        ]);
        const { symbol, quantity } = request.data;
        return { symbol, quantity, price: priceOf(symbol, quantity) };
      },
    }),
  );
  await Promise.all(subscriptions.map((subscription) => subscription.ready));
});
afterAll(async () => {
  await Promise.all(subscriptions.map((subscription) => subscription.close()));
  await bus.close();
  await raw.close();
});

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (isPostbusError(error) ? error.code : String(error)),
  );

describe("request-response", () => {
  it("round trip: the typed reply carries the request id, and commits with the responder's writes", async () => {
    const reply = await bus.request(
      "quote.requested",
      { symbol: "BTC-USD", quantity: 2 },
      { timeoutMs: WAIT },
    );
    expect(reply.type).toBe("quote.given");
    expect(reply.channel).toBe("quotes");
    expect(reply.data).toEqual({ symbol: "BTC-USD", quantity: 2, price: priceOf("BTC-USD", 2) });
    const requestId = reply.envelope.metadata.request_id as string;
    expect(reply.envelope.metadata.causation_id).toBe(requestId);
    const { rows } = await pool.query("SELECT data FROM events WHERE data->'metadata'->>'event_id' = $1", [
      requestId,
    ]);
    expect(rows).toHaveLength(1);
    const request = rows[0].data;
    expect(request.event_type).toBe("quote.requested");
    expect(request.metadata.reply_to).toBe("quotes");
    expect(Date.parse(request.metadata.expires_at)).toBeGreaterThan(Date.parse(request.timestamp));
    expect(reply.envelope.metadata.correlation_id).toBe(request.metadata.correlation_id);
    const served = await pool.query("SELECT symbol FROM quotes_served WHERE request_id = $1", [requestId]);
    expect(served.rows).toEqual([{ symbol: "BTC-USD" }]);
  });

  it("concurrent requests of one client each get their own reply", async () => {
    const symbols = Array.from({ length: 50 }, (_, n) => `SYM-${n}`);
    const replies = await Promise.all(
      symbols.map((symbol, n) =>
        bus.request("quote.requested", { symbol, quantity: n + 1 }, { timeoutMs: WAIT }),
      ),
    );
    replies.forEach((reply, n) => {
      expect(reply.data).toEqual({ symbol: symbols[n], quantity: n + 1, price: priceOf(symbols[n]!, n + 1) });
    });
    expect(new Set(replies.map((reply) => reply.envelope.metadata.request_id)).size).toBe(50);
  });

  it("an error reply rejects with a typed PostbusReplyError, on the reply channel", async () => {
    const error = await bus
      .request("quote.requested", { symbol: "NOPE", quantity: 1 }, { timeoutMs: WAIT })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(PostbusReplyError);
    if (!bus.isErrorReply(error, "quote.requested")) throw new Error("not an error reply");
    expect(error.code).toBe("POSTBUS_REPLY_ERROR");
    expect(error.reply.type).toBe("quote.refused");
    expect(error.reply.channel).toBe("quotes");
    expect(error.reply.data).toEqual({ code: "unknown-symbol", message: "No market for NOPE" });
    expect(error.reply.envelope.metadata.reply_error).toBe(true);
    expect(error.message).toContain('"quote.requested"');
    expect(error.message).toContain("No market for NOPE");
    expect(error.subject.requestId).toBe(error.requestId);
    // Nothing the handler wrote before deciding survives? It wrote nothing: the error reply is its whole answer.
    const served = await pool.query("SELECT 1 FROM quotes_served WHERE request_id = $1", [error.requestId]);
    expect(served.rowCount).toBe(0);
  });

  it("times out with an error naming the request type and its request id; a late reply is reported and kept", async () => {
    const started = Date.now();
    const error = await raw.request("ping.requested", { n: 1 }, { timeoutMs: 300 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    const elapsed = Date.now() - started;
    expect(isPostbusError(error, "POSTBUS_REQUEST_TIMEOUT")).toBe(true);
    if (!isPostbusError(error)) throw error;
    const requestId = error.subject.requestId!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain('"ping.requested"');
    expect(error.message).toContain(requestId);
    expect(error.message).toContain("300 ms");
    expect(error.subject.eventType).toBe("ping.requested");
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(5_000);

    // A responder that answers even expired requests comes up after the timeout: its reply is late.
    const responder = raw.respond({
      requestType: "ping.requested",
      responseType: "ping.answered",
      expired: "answer",
      pollIntervalMs: 100,
      handler: (request) => ({ pong: (request.data as { n: number }).n }),
    });
    try {
      await eventually(
        async () => late.length,
        (n) => n > 0,
        WAIT,
      );
    } finally {
      await responder.close();
    }
    expect(late).toHaveLength(1);
    expect(late[0]!.requestId).toBe(requestId);
    expect(late[0]!.requestType).toBe("ping.requested");
    expect(late[0]!.reply.type).toBe("ping.answered");
    expect(late[0]!.reply.data).toEqual({ pong: 1 });
    expect(late[0]!.lateByMs).toBeGreaterThanOrEqual(0);
    const stored = await raw.getReplies(requestId);
    expect(stored.map((reply) => reply.id)).toEqual([late[0]!.reply.id]);
  });

  it("by default a responder skips requests whose requester stopped waiting", async () => {
    const error = await raw.request("expiring.requested", {}, { timeoutMs: 50 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isPostbusError(error, "POSTBUS_REQUEST_TIMEOUT")).toBe(true);
    const handled: string[] = [];
    const responder = raw.respond({
      requestType: "expiring.requested",
      responseType: "expiring.answered",
      handler: (_request, { requestId }) => {
        handled.push(requestId);
        return {};
      },
    });
    await raw.publish("expiring.requested", {}, { channel: "expiring.requested" }); // no reply_to/expires_at: answered
    await eventually(
      async () => handled.length,
      (n) => n >= 1,
      WAIT,
    );
    await responder.close();
    expect(handled).toHaveLength(1);
    const replies = await pool.query(
      "SELECT count(*)::int AS n FROM events WHERE channel = 'expiring.requested' AND data->>'event_type' = 'expiring.answered'",
    );
    expect(replies.rows[0].n).toBe(1);
  });

  it("interoperates with plain SQL: a request inserted as the ADR row is answered, and a reply inserted by SQL answers a request", async () => {
    const requestId = "5b0c1c9e-3f7a-4d1e-8b2a-9e4f6a7b8c9d";
    await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
      "quote-requests",
      {
        event_type: "quote.requested",
        timestamp: new Date().toISOString(),
        data: { symbol: "ETH-USD", quantity: 3 },
        metadata: {
          event_id: requestId,
          reply_to: "python-replies",
          expires_at: new Date(Date.now() + 60_000).toISOString(),
        },
      },
    ]);
    const [reply] = await eventually(
      () => raw.getReplies(requestId),
      (replies) => replies.length > 0,
      WAIT,
    );
    expect(reply?.type).toBe("quote.given");
    expect(reply?.channel).toBe("python-replies"); // the request's reply_to wins over the contract's channel
    expect(reply?.data).toEqual({ symbol: "ETH-USD", quantity: 3, price: priceOf("ETH-USD", 3) });
    expect(reply?.envelope.metadata).toMatchObject({
      request_id: requestId,
      causation_id: requestId,
      producer: "desk",
    });

    // The other direction: a service in another language replies with a plain INSERT (woken by the trigger).
    const waiting = raw.request("lookup.requested", { key: "a" }, { timeoutMs: WAIT });
    const row = await eventually(
      async () =>
        (
          await pool.query(
            "SELECT data FROM events WHERE channel = 'lookup.requested' AND data->>'event_type' = 'lookup.requested'",
          )
        ).rows[0],
      (found) => found !== undefined,
      WAIT,
    );
    const id = row.data.metadata.event_id as string;
    await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
      row.data.metadata.reply_to,
      {
        event_type: "lookup.answered",
        timestamp: new Date().toISOString(),
        data: { value: 42 },
        metadata: { request_id: id },
      },
    ]);
    const answered = await waiting;
    expect(answered.type).toBe("lookup.answered");
    expect(answered.data).toEqual({ value: 42 });
  });

  it("rejects bad requests before writing anything", async () => {
    const before = Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);
    // @ts-expect-error tick declares no response
    expect(await codeOf(bus.request("tick", { n: 1 }))).toBe("POSTBUS_OPTIONS_INVALID");
    expect(await codeOf(raw.request("ping.requested", {}, { timeoutMs: 0 }))).toBe("POSTBUS_OPTIONS_INVALID");
    expect(await codeOf(raw.request("ping.requested", {}, { timeoutMs: 1.5 }))).toBe(
      "POSTBUS_OPTIONS_INVALID",
    );
    expect(await codeOf(raw.request("ping.requested", {}, { replyTo: "no spaces" }))).toBe(
      "POSTBUS_NAME_INVALID",
    );
    expect(await codeOf(raw.request("ping.requested", {}, { tx: pool } as never))).toBe(
      "POSTBUS_OPTIONS_INVALID",
    );
    // @ts-expect-error quantity must be a number
    expect(await codeOf(bus.request("quote.requested", { symbol: "X", quantity: "1" }))).toBe(
      "POSTBUS_VALIDATION_FAILED",
    );
    expect(await codeOf(raw.request("ping.requested", () => {}))).toBe("POSTBUS_JSON_FUNCTION");
    const after = Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);
    expect(after).toBe(before);
    expect(() => raw.respond({ requestType: "x", responseType: "y", handler: "nope" as never })).toThrow(
      /handler/,
    );
    expect(() =>
      raw.respond({ requestType: "a".repeat(45), responseType: "y", handler: () => ({}) }),
    ).toThrow(/group/);
  });

  it("a responder that keeps failing dead-letters the request; the requester times out and status shows it", async () => {
    const responder = raw.respond({
      requestType: "broken.requested",
      responseType: "broken.answered",
      maxAttempts: 2,
      retryDelayMs: () => 10,
      pollIntervalMs: 50,
      handler: () => {
        throw new Error("pricing engine down");
      },
    });
    const error = await raw.request("broken.requested", {}, { timeoutMs: 3_000 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await responder.close();
    expect(isPostbusError(error, "POSTBUS_REQUEST_TIMEOUT")).toBe(true);
    const letters = await eventually(
      () => raw.listDeadLetters({ group: "broken.requested.responders" }),
      (found) => found.length > 0,
      WAIT,
    );
    expect(letters[0]?.error).toContain("pricing engine down");
    const status = await raw.status();
    expect(status.requests.find((row) => row.requestType === "broken.requested")).toMatchObject({
      requests: 1,
      answered: 0,
      expired: 1,
    });
    expect(
      status.groups.find((group) => group.group === "broken.requested.responders")?.deadLetters.dead,
    ).toBe(1);
  });

  it("the client closing rejects its waiting requests", async () => {
    const other = createPostbus({ db: pool });
    const waiting = codeOf(other.request("never.requested", {}, { timeoutMs: WAIT }));
    await eventually(
      async () => (await pool.query("SELECT 1 FROM events WHERE channel = 'never.requested'")).rowCount,
      (n) => n === 1,
      WAIT,
    );
    await other.close();
    expect(await waiting).toBe("POSTBUS_CLOSED");
  });

  it("an aborted request rejects at once", async () => {
    const abort = new AbortController();
    const waiting = raw.request("never.requested", {}, { timeoutMs: WAIT, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect(await codeOf(waiting)).toBe("POSTBUS_REQUEST_ABORTED");
  });
});
