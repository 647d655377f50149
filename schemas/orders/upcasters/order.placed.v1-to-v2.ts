import type { OrderPlaced, OrderPlacedV1 } from "@postbus/types";

/**
 * `order.placed` v1 → v2. Version 1 always carried a limit price, so its orders were limit
 * orders, good till cancelled; it had no time of placement, so the upcaster uses the epoch
 * (consumers that need the real time read the stored event's `createdAt`).
 */
export function upcast(data: OrderPlacedV1): OrderPlaced {
  return {
    orderId: data.orderId,
    setupId: data.setupId,
    symbol: data.symbol,
    side: data.side,
    quantity: data.quantity,
    orderType: "limit",
    limitPrice: data.limitPrice,
    timeInForce: "GTC",
    placedAt: "1970-01-01T00:00:00Z",
  };
}
