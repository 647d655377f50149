import {
  createPostbus,
  createTypedPostbus,
  fromPool,
  isPostbusError,
  migrate,
  type Postbus,
  type TypedPostbus,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";
import { contracts } from "./support/contracts.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: TypedPostbus<typeof contracts>;
let raw: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE handled (n serial, note text)");
  bus = createTypedPostbus({ db: pool, contracts, producer: "tests", listen: false });
  raw = createPostbus({ db: pool, listen: false });
});
afterAll(async () => {
  await bus.close();
  await raw.close();
});

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (isPostbusError(error) ? error.code : String(error)),
  );
const count = async (channel: string) =>
  Number((await pool.query("SELECT count(*) AS n FROM events WHERE channel = $1", [channel])).rows[0].n);

describe("createTypedPostbus", () => {
  test("publishes on the contract's channel and reads back precise events", async () => {
    const signal = await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy", price: 64210.5 });
    expect(signal.channel).toBe("signals");
    expect(signal.envelope.metadata.producer).toBe("tests");
    const [latest] = await bus.getLatestEvents("signals", { limit: 1 });
    expect(latest?.type).toBe("signal.triggered");
    expect(latest?.data).toEqual({ symbol: "BTC-USD", side: "buy", price: 64210.5 });
  });

  test("rejects an invalid payload before writing anything", async () => {
    const before = await count("signals");
    const bad = { symbol: "BTC-USD", side: "hold", price: 1 } as never;
    expect(await codeOf(bus.publish("signal.triggered", bad))).toBe("POSTBUS_VALIDATION_FAILED");
    expect(
      await codeOf(
        bus.publishMany([
          { type: "order.cancelled", data: { orderId: "o-1", reason: "user" } },
          { type: "order.cancelled", data: { orderId: "o-2", reason: "" } },
        ]),
      ),
    ).toBe("POSTBUS_VALIDATION_FAILED");
    expect(await count("signals")).toBe(before);
    expect(await count("orders")).toBe(0);
  });

  test("rejects an event type that has no contract", async () => {
    const publish = bus.publish as (type: string, data: unknown) => Promise<unknown>;
    expect(await codeOf(publish("signal.lost", {}))).toBe("POSTBUS_UNKNOWN_EVENT_TYPE");
  });

  test("refuses a registry whose key and eventType disagree", () => {
    const broken = { "a.b": { ...contracts["order.cancelled"] } };
    expect(() => createTypedPostbus({ db: pool, contracts: broken })).toThrow(/eventType/);
  });

  test("a consumer handles valid events narrowed by type, publishes typed replies, and dead-letters invalid ones", async () => {
    await bus.publish("order.placed", { orderId: "o-1", quantity: 1, orderType: "limit" });
    await bus.publish("order.placed", { orderId: "o-0", quantity: 2 }); // version 1 still validates
    // A writer without the contracts stores a payload that breaks the contract, and one on the wrong channel.
    const invalid = await raw.publish("order.cancelled", { orderId: "o-1" }, { channel: "orders" });
    const misplaced = await raw.publish(
      "order.cancelled",
      { orderId: "o-9", reason: "x" },
      { channel: "signals" },
    );
    await bus.publish("order.cancelled", { orderId: "o-1", reason: "user" });
    await deliverable(pool);

    // Handlers run again after a rollback, so record what they did with the batch's transaction.
    const record = (note: string): [string, unknown[]] => ["INSERT INTO handled (note) VALUES ($1)", [note]];
    const stats = await bus.drain({
      group: "typed-risk",
      channels: ["orders", "signals"],
      maxAttempts: 1,
      handler: async (event, { tx }) => {
        switch (event.type) {
          case "order.placed":
            await tx.query(
              ...record(
                `placed ${event.data.orderId} ${"orderType" in event.data ? event.data.orderType : "v1"}`,
              ),
            );
            break;
          case "order.cancelled":
            await tx.query(...record(`cancelled ${event.data.orderId} ${event.data.reason}`));
            await tx.publish(
              "signal.triggered",
              { symbol: "ETH-EUR", side: "sell", price: 1 },
              { causedBy: event },
            );
            break;
          case "signal.triggered":
            await tx.query(...record(`signal ${event.data.symbol}`));
            break;
        }
      },
    });
    const handled = await pool.query("SELECT note FROM handled ORDER BY n");
    expect(handled.rows.map((row) => row.note)).toEqual([
      "signal BTC-USD",
      "placed o-1 limit",
      "placed o-0 v1",
      "cancelled o-1 user",
    ]);
    expect(stats.deadLettered).toBe(2);
    const dead = await bus.listDeadLetters({ group: "typed-risk" });
    expect(dead.map((letter) => letter.eventId).sort()).toEqual([invalid.id, misplaced.id].sort());
    const [reply] = await bus.getLatestEvents("signals", { limit: 1 });
    expect(reply?.data).toEqual({ symbol: "ETH-EUR", side: "sell", price: 1 });
  });

  test("a typed read refuses an event that breaks its contract", async () => {
    expect(await codeOf(bus.readEvents(["orders"]))).toBe("POSTBUS_VALIDATION_FAILED");
    expect((await bus.untyped.readEvents(["orders"])).length).toBeGreaterThan(0);
  });
});
