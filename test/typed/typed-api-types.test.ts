/**
 * Compile-time behaviour of the typed client: `tsc -p tsconfig.json` checks the
 * `@ts-expect-error` lines and `expectTypeOf` assertions; vitest only runs the
 * trivial bodies. Nothing here touches a database (the functions are never called).
 */
import {
  createTypedPostbus,
  type DataOf,
  type DeliveredContract,
  type EventTypesOn,
  type PayloadOf,
  type StoredEvent,
  type TypedPostbus,
} from "@postbus/client";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import type {
  contracts,
  OrderCancelled,
  OrderPlaced,
  OrderPlacedV2,
  SignalTriggered,
} from "./support/contracts.js";

type Contracts = typeof contracts;
type Bus = TypedPostbus<Contracts>;
declare const bus: Bus;
const never = (_: () => unknown): void => {};

describe("the typed client's types", () => {
  test("createTypedPostbus infers the registry", () => {
    expectTypeOf(createTypedPostbus<Contracts>).returns.toEqualTypeOf<Bus>();
    expectTypeOf(createTypedPostbus).parameter(0).toHaveProperty("contracts");
  });

  test("payload types come from the registry's schemas", () => {
    expectTypeOf<PayloadOf<Contracts, "signal.triggered">>().toEqualTypeOf<SignalTriggered>();
    expectTypeOf<DataOf<Contracts, "order.placed">>().toEqualTypeOf<OrderPlacedV2 | OrderPlaced>();
    expectTypeOf<EventTypesOn<Contracts, "orders">>().toEqualTypeOf<"order.cancelled" | "order.placed">();
  });

  test("publish compiles only with the event type's payload", () => {
    never(async () => {
      const event = await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy", price: 1 });
      expectTypeOf(event).toEqualTypeOf<
        StoredEvent<"signal.triggered", SignalTriggered> & { readonly contract: DeliveredContract }
      >();
      // @ts-expect-error: "hold" is not a Side
      await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "hold", price: 1 });
      // @ts-expect-error: price is missing
      await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy" });
      // @ts-expect-error: no contract for this event type
      await bus.publish("signal.lost", {});
      // @ts-expect-error: the channel is the contract's
      await bus.publish("order.cancelled", { orderId: "o", reason: "r" }, { channel: "elsewhere" });
      // Either version of a versioned event type.
      await bus.publish("order.placed", { orderId: "o", quantity: 1 });
      await bus.publish("order.placed", { orderId: "o", quantity: 1, orderType: "limit" });
    });
  });

  test("publishMany and the transaction scope are typed per item", () => {
    never(async () => {
      await bus.publishMany([
        { type: "order.cancelled", data: { orderId: "o", reason: "r" } },
        { type: "signal.triggered", data: { symbol: "S", side: "sell", price: 2 } },
        // @ts-expect-error: the payload of another event type
        { type: "order.cancelled", data: { symbol: "S", side: "sell", price: 2 } },
      ]);
      await bus.withTransaction(async (tx) => {
        const cancelled = await tx.publish("order.cancelled", { orderId: "o", reason: "r" });
        expectTypeOf(cancelled.data).toEqualTypeOf<OrderCancelled>();
        // @ts-expect-error: reason must be a string
        await tx.publish("order.cancelled", { orderId: "o", reason: 1 });
      });
    });
  });

  test("a handler gets the union of its channels' events and narrows on event.type", () => {
    never(() =>
      bus.subscribe({
        group: "risk",
        channels: ["orders"],
        handler: async (event, { tx }) => {
          expectTypeOf(event.type).toEqualTypeOf<"order.cancelled" | "order.placed">();
          if (event.type === "order.cancelled") {
            expectTypeOf(event.data).toEqualTypeOf<OrderCancelled>();
            expectTypeOf(event.envelope.data).toEqualTypeOf<OrderCancelled>();
          } else {
            expectTypeOf(event.data).toEqualTypeOf<OrderPlacedV2 | OrderPlaced>();
            // @ts-expect-error: a signal is not on the orders channel
            event.data.symbol;
          }
          await tx.publish("signal.triggered", { symbol: "S", side: "buy", price: 1 }, { causedBy: event });
        },
      }),
    );
    // @ts-expect-error: no contract publishes on this channel
    never(() => bus.subscribe({ group: "g", channels: ["nowhere"], handler: () => {} }));
  });

  test("reads return the events of the channels read", () => {
    never(async () => {
      const latest = await bus.getLatestEvents("signals");
      expectTypeOf(latest).toEqualTypeOf<
        (StoredEvent<"signal.triggered", SignalTriggered> & { readonly contract: DeliveredContract })[]
      >();
      const page = await bus.readEvents(["signals", "orders"]);
      expectTypeOf(page[0]!.type).toEqualTypeOf<"signal.triggered" | "order.cancelled" | "order.placed">();
      // @ts-expect-error: not a channel of the contracts
      await bus.readEvents("nowhere");
    });
  });

  test("the untyped client stays reachable", () => {
    expectTypeOf<Bus["untyped"]["publish"]>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<Bus["status"]>().toBeFunction();
  });

  test("any Standard Schema works, not only zod's", () => {
    const schema = z.object({ n: z.number() });
    const registry = { "n.counted": { eventType: "n.counted", channel: "n", schema } } as const;
    expectTypeOf<PayloadOf<typeof registry, "n.counted">>().toEqualTypeOf<{ n: number }>();
  });
});
