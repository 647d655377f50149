import { randomUUID } from "node:crypto";
import { createTypedPostbus, fromPool, migrate, PostbusReplyError } from "@postbus/client";
import { contracts, type RiskCheckCompleted } from "@postbus/types";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let orders: ReturnType<typeof createTypedPostbus<typeof contracts>>;
let risk: ReturnType<typeof createTypedPostbus<typeof contracts>>;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  orders = createTypedPostbus({ db: pool, contracts, producer: "orders" });
  risk = createTypedPostbus({ db: pool, contracts, producer: "risk" });
});
afterAll(async () => {
  await orders.close();
  await risk.close();
});

const check = (symbol: string, quantity: number) => ({
  checkId: randomUUID(),
  setupId: randomUUID(),
  symbol,
  side: "buy" as const,
  quantity,
  notional: { amount: "1000.00", currency: "USD" as const },
});

describe("request-response with the generated contracts (@postbus/types)", () => {
  it("risk.check.requested → risk.check.completed, or the error reply risk.check.rejected, on the contracts' channel", async () => {
    const responder = risk.respond({
      requestType: "risk.check.requested",
      pollIntervalMs: 100,
      handler: (request, { replyError }) => {
        const { checkId, symbol, quantity } = request.data;
        if (symbol === "DOGE-EUR")
          return replyError({ checkId, code: "unknown-symbol", message: `${symbol} is not traded` });
        return { checkId, approved: true, approvedQuantity: Math.min(quantity, 0.2), reasons: [] };
      },
    });
    try {
      const asked = check("BTC-USD", 0.25);
      const reply = await orders.request("risk.check.requested", asked, { timeoutMs: 20_000 });
      expectTypeOf(reply.data).toEqualTypeOf<RiskCheckCompleted>();
      expect(reply.type).toBe("risk.check.completed");
      expect(reply.channel).toBe(contracts["risk.check.completed"].channel);
      expect(reply.data).toEqual({
        checkId: asked.checkId,
        approved: true,
        approvedQuantity: 0.2,
        reasons: [],
      });
      expect(reply.envelope.metadata.producer).toBe("risk");

      const error = await orders
        .request("risk.check.requested", check("DOGE-EUR", 1), { timeoutMs: 20_000 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PostbusReplyError);
      if (!orders.isErrorReply(error, "risk.check.requested")) throw error;
      expect(error.reply.type).toBe("risk.check.rejected");
      expect(error.reply.data.code).toBe("unknown-symbol");
    } finally {
      await responder.close();
    }
  });

  it("a reply that breaks its contract is never written: the responder's attempt fails instead", async () => {
    const failures: unknown[] = [];
    const responder = risk.respond({
      requestType: "risk.check.requested",
      group: "sloppy-risk",
      from: "now",
      maxAttempts: 1,
      pollIntervalMs: 100,
      // @ts-expect-error reasons is required by risk.check.completed
      handler: (request) => ({ checkId: request.data.checkId, approved: true }),
      onError: (error) => failures.push(error),
    });
    try {
      await responder.ready;
      const error = await orders
        .request("risk.check.requested", check("ETH-USD", 1), { timeoutMs: 1_500 })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "POSTBUS_REQUEST_TIMEOUT" });
    } finally {
      await responder.close();
    }
    const letters = await risk.listDeadLetters({ group: "sloppy-risk" });
    expect(letters).toHaveLength(1);
    expect(letters.map((letter) => letter.error).join("\n")).toContain("risk.check.completed");
  });
});
