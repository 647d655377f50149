/**
 * The generated types package agrees with itself: for every event payload the
 * TypeScript type emitted from the JSON Schema equals what its zod validator
 * infers (checked by tsc), and every schema example passes the typed client.
 */
import {
  createTypedPostbus,
  type DataOf,
  type EventTypeOf,
  fromPool,
  migrate,
  type PayloadOf,
} from "@postbus/client";
import {
  type Channel,
  type Contracts,
  contracts,
  type ErrorResponseTypeOf,
  type EventMap,
  type FillReceived,
  type FillReceivedSchema,
  type Money,
  type MoneySchema,
  type OrderPlaced,
  type OrderPlacedSchema,
  type OrderPlacedV1,
  type OrderPlacedV1Schema,
  type PositionUpdated,
  type PositionUpdatedSchema,
  type Requests,
  type RequestType,
  type ResponseTypeOf,
  type RiskCheckCompleted,
  type RiskCheckRejected,
  type RiskCheckRequested,
  type RiskCheckRequestedSchema,
  type SetupReceived,
  type SetupReceivedSchema,
  type SignalExpired,
  type SignalExpiredSchema,
  type SignalTriggered,
  type SignalTriggeredSchema,
} from "@postbus/types";
import { describe, expect, expectTypeOf, test } from "vitest";
import type { z } from "zod";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();

describe("the generated types package", () => {
  test("z.infer of each validator equals the emitted type", () => {
    expectTypeOf<z.infer<typeof SignalTriggeredSchema>>().toEqualTypeOf<SignalTriggered>();
    expectTypeOf<z.infer<typeof SignalExpiredSchema>>().toEqualTypeOf<SignalExpired>(); // from YAML
    expectTypeOf<z.infer<typeof SetupReceivedSchema>>().toEqualTypeOf<SetupReceived>(); // draft-07, local definition
    expectTypeOf<z.infer<typeof OrderPlacedSchema>>().toEqualTypeOf<OrderPlaced>();
    expectTypeOf<z.infer<typeof OrderPlacedV1Schema>>().toEqualTypeOf<OrderPlacedV1>();
    expectTypeOf<z.infer<typeof RiskCheckRequestedSchema>>().toEqualTypeOf<RiskCheckRequested>();
    expectTypeOf<z.infer<typeof PositionUpdatedSchema>>().toEqualTypeOf<PositionUpdated>(); // oneOf with null
    expectTypeOf<z.infer<typeof FillReceivedSchema>>().toEqualTypeOf<FillReceived>();
    expectTypeOf<z.infer<typeof MoneySchema>>().toEqualTypeOf<Money>();
  });

  test("the registry gives the typed client the EventMap's payload types", () => {
    expectTypeOf<EventTypeOf<Contracts>>().toEqualTypeOf<keyof EventMap>();
    expectTypeOf<PayloadOf<Contracts, "signal.triggered">>().toEqualTypeOf<EventMap["signal.triggered"]>();
    // order.placed v1 upcasts to v2 (schemas/orders/upcasters/): readers get the newest version only.
    expectTypeOf<DataOf<Contracts, "order.placed">>().toEqualTypeOf<OrderPlaced>();
    expectTypeOf<PayloadOf<Contracts, "order.placed">>().toEqualTypeOf<OrderPlaced | OrderPlacedV1>();
  });

  test("keeps a request's reply and error reply event types as literal types", () => {
    type Requested = Contracts["risk.check.requested"];
    expectTypeOf<Requested["responseType"]>().toEqualTypeOf<"risk.check.completed">();
    expectTypeOf<Requested["errorResponseType"]>().toEqualTypeOf<"risk.check.rejected">();
    expectTypeOf<(typeof contracts)["signal.triggered"]["responseType"]>().toEqualTypeOf<null>();
    expectTypeOf<(typeof contracts)["signal.triggered"]["errorResponseType"]>().toEqualTypeOf<null>();
    expectTypeOf<RequestType>().toEqualTypeOf<"risk.check.requested">();
    expectTypeOf<Requests["risk.check.requested"]>().toEqualTypeOf<{
      response: "risk.check.completed";
      errorResponse: "risk.check.rejected";
    }>();
    expectTypeOf<ResponseTypeOf<"risk.check.requested">>().toEqualTypeOf<"risk.check.completed">();
    expectTypeOf<ErrorResponseTypeOf<"risk.check.requested">>().toEqualTypeOf<"risk.check.rejected">();
    expectTypeOf<EventMap[ResponseTypeOf<"risk.check.requested">]>().toEqualTypeOf<RiskCheckCompleted>();
    expectTypeOf<EventMap[ErrorResponseTypeOf<"risk.check.requested">]>().toEqualTypeOf<RiskCheckRejected>();
    // @ts-expect-error: only request event types have a reply
    expectTypeOf<ResponseTypeOf<"signal.triggered">>().toBeNever();
  });

  test("records the contracts' facts", () => {
    expect(contracts["risk.check.requested"].responseType).toBe("risk.check.completed");
    expect(contracts["risk.check.requested"].errorResponseType).toBe("risk.check.rejected");
    expect(contracts["risk.check.rejected"]).toMatchObject({ channel: "risk", responseType: null });
    expect(contracts["order.placed"]).toMatchObject({ version: 2, versions: [1, 2], channel: "orders" });
    expect(contracts["signal.triggered"].jsonSchema.$schema).toBe(
      "https://json-schema.org/draft/2020-12/schema",
    );
  });

  test("every schema example publishes through the typed client and reads back unchanged", async () => {
    const pool = db.pool();
    await migrate(fromPool(pool));
    const bus = createTypedPostbus({ db: pool, contracts, listen: false });
    try {
      const items = Object.values(contracts).flatMap((contract) =>
        ((contract.jsonSchema as { readonly examples?: readonly unknown[] }).examples ?? []).map((data) => ({
          type: contract.eventType,
          data,
        })),
      );
      expect(items.length).toBeGreaterThanOrEqual(Object.keys(contracts).length);
      const published = await bus.publishMany(items as never);
      await deliverable(pool);
      const read = await bus.readEvents(Object.keys(channelsOf()) as Channel[], { limit: 1000 });
      expect(read.map((event) => [event.type, event.data])).toEqual(
        published.map((event) => [event.type, event.data]),
      );
    } finally {
      await bus.close();
    }
  });
});

function channelsOf(): Record<string, true> {
  return Object.fromEntries(Object.values(contracts).map((contract) => [contract.channel, true]));
}
