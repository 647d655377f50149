/**
 * A hand-written contract registry shaped like a generated one (`contracts` of a
 * types package), so the typed client is tested without the generator.
 */
import { z } from "zod";

const Side = z.enum(["buy", "sell"]);

export interface SignalTriggered {
  symbol: string;
  side: "buy" | "sell";
  price: number;
}
export interface OrderPlaced {
  orderId: string;
  quantity: number;
}
export interface OrderPlacedV2 {
  orderId: string;
  quantity: number;
  orderType: "market" | "limit";
}
export interface OrderCancelled {
  orderId: string;
  reason: string;
}

const SignalTriggeredSchema = z.strictObject({
  symbol: z.string(),
  side: Side,
  price: z.number().positive(),
});
const OrderPlacedSchema = z.strictObject({ orderId: z.string(), quantity: z.number().positive() });
const OrderPlacedV2Schema = z.strictObject({
  orderId: z.string(),
  quantity: z.number().positive(),
  orderType: z.enum(["market", "limit"]),
});
const OrderCancelledSchema = z.strictObject({ orderId: z.string(), reason: z.string().min(1) });

export const contracts = {
  "order.cancelled": {
    eventType: "order.cancelled",
    version: 1,
    versions: [1],
    channel: "orders",
    domain: "orders",
    producers: ["orders"],
    consumers: ["risk"],
    deprecated: false,
    responseType: null,
    schema: OrderCancelledSchema as z.ZodType<OrderCancelled, OrderCancelled>,
    jsonSchema: {},
  },
  "order.placed": {
    eventType: "order.placed",
    version: 2,
    versions: [1, 2],
    channel: "orders",
    domain: "orders",
    producers: ["orders"],
    consumers: ["risk"],
    deprecated: false,
    responseType: null,
    schema: z.union([OrderPlacedV2Schema, OrderPlacedSchema]) as z.ZodType<
      OrderPlacedV2 | OrderPlaced,
      OrderPlacedV2 | OrderPlaced
    >,
    jsonSchema: {},
  },
  "signal.triggered": {
    eventType: "signal.triggered",
    version: 1,
    versions: [1],
    channel: "signals",
    domain: "signals",
    producers: ["signals"],
    consumers: ["orders"],
    deprecated: false,
    responseType: null,
    schema: SignalTriggeredSchema as z.ZodType<SignalTriggered, SignalTriggered>,
    jsonSchema: {},
  },
} as const;
