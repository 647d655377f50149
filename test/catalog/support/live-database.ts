/**
 * A database with figures for the live catalog: three `order.placed` events on `orders`;
 * group `fulfilment` handled the first and has two waiting; group `audit` dead-lettered the
 * second; group `archive` declared it does not hold retention back and reads `fills`.
 */
import { createPostbus, fromPool, migrate } from "@postbus/client";
import type pg from "pg";
import { deliverable } from "../../support/deliverable.js";

/** Writes the figures; the client it used is closed again. */
export async function seedLiveDatabase(pool: pg.Pool): Promise<void> {
  await migrate(fromPool(pool));
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const bus = createPostbus({ db: pool, listen: false, logger: quiet });
  try {
    await bus.publish("order.placed", { orderId: "o-1" }, { channel: "orders" });
    await deliverable(pool);
    await bus.drain({ group: "fulfilment", channels: ["orders"], from: "beginning", handler: () => {} });
    await bus.publishMany([
      { type: "order.placed", channel: "orders", data: { orderId: "o-2" } },
      { type: "order.placed", channel: "orders", data: { orderId: "o-3" } },
    ]);
    await deliverable(pool);
    await bus.drain({
      group: "audit",
      channels: ["orders"],
      from: "beginning",
      maxAttempts: 1,
      handler: (event) => {
        if ((event.data as { orderId: string }).orderId === "o-2") throw new Error("audit refused o-2");
      },
    });
    await bus.drain({ group: "archive", channels: ["fills"], from: "beginning", handler: () => {} });
    await bus.setGroupRetention("archive", false);
  } finally {
    await bus.close();
  }
}
