/**
 * The AsyncAPI export keeps both message names of a renamed event type: the old one as a
 * deprecated alias with the new one's payload, received on the channel but not sent.
 */
import { Parser } from "@asyncapi/parser";
import { describe, expect, test } from "vitest";
import { emitAsyncApi } from "../../codegen/src/emit/asyncapi/index.js";
import { contractModel, event } from "../codegen/emit/support/model.js";

const ERROR = 0;
const model = contractModel({
  events: [
    event(
      "order.submitted",
      { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
      { renamedFrom: ["order.placed"], channel: "orders", typeName: "OrderSubmitted" },
    ),
    event("order.cancelled", { type: "object" }, { channel: "orders", typeName: "OrderCancelled" }),
  ],
});

interface Document {
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { messages: { $ref: string }[] }>;
  components: {
    messages: Record<string, { name: string; payload: unknown; "x-postbus": Record<string, unknown> }>;
  };
}

describe("emitAsyncApi with a renamed event type", () => {
  const document = emitAsyncApi(model) as unknown as Document;
  const alias = "OrderSubmitted__renamedFrom__order.placed";

  test("keeps the old name as a deprecated alias message with the new one's payload", () => {
    const names = Object.values(document.components.messages)
      .map((message) => message.name)
      .sort();
    expect(names).toEqual(["OrderCancelled", "OrderSubmitted", alias]);
    expect(document.components.messages[alias]).toMatchObject({
      name: alias,
      title: "order.placed (renamed to order.submitted)",
      payload: { $ref: "#/components/schemas/OrderSubmitted" },
      "x-postbus": {
        eventType: "order.placed",
        aliasOf: "order.submitted",
        deprecated: "Renamed to order.submitted",
      },
    });
  });

  test("lists the alias on the channel and in the receive operation, not in the send operation", () => {
    expect(Object.keys(document.channels.orders?.messages ?? {}).sort()).toEqual([
      "OrderCancelled",
      "OrderSubmitted",
      alias,
    ]);
    expect(document.operations.receiveOrderSubmitted?.messages).toEqual([
      { $ref: "#/channels/orders/messages/OrderSubmitted" },
      { $ref: `#/channels/orders/messages/${alias}` },
    ]);
    expect(document.operations.sendOrderSubmitted?.messages).toEqual([
      { $ref: "#/channels/orders/messages/OrderSubmitted" },
    ]);
  });

  test("is a document the official parser accepts, the alias resolving to the new payload", async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === ERROR);
    expect(errors.map((error) => `${error.path.join("/")}: ${error.message}`)).toEqual([]);
    const old = parsed
      ?.messages()
      .all()
      .find((message) => message.extensions().get("x-postbus")?.value()?.eventType === "order.placed");
    expect(old?.payload()?.required()).toEqual(["orderId"]);
  });
});
