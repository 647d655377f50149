import { createTypedPostbus, fromPool, migrate, type TypedPostbus } from "@postbus/client";
import { contracts } from "@postbus/types";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: TypedPostbus<typeof contracts>;

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await migrate(fromPool(pool));
  bus = createTypedPostbus({ db: pool, contracts, producer: "orders", listen: false });
});
afterAll(() => bus.close());

const cancelled = (orderId: string) => ({
  orderId,
  reason: "user" as const,
  cancelledAt: "2026-12-03T10:00:00Z",
});

describe("the contract's key field (x-postbus.partitionKey)", () => {
  it("is in the generated registry", () => {
    expect(contracts["order.cancelled"].partitionKey).toBe("orderId");
    expect(contracts["order.placed"].partitionKey).toBe("orderId");
    expect("partitionKey" in contracts["risk.check.requested"]).toBe(false);
  });

  it("becomes metadata.partition_key of a typed publish, in a batch and in a transaction; an explicit key wins", async () => {
    const id = "4b1d2c7e-0000-4000-8000-000000000001";
    const one = await bus.publish("order.cancelled", cancelled(id));
    const [many] = await bus.publishMany([{ type: "order.cancelled", data: cancelled(id) }]);
    const inTx = await bus.withTransaction((scope) => scope.publish("order.cancelled", cancelled(id)));
    const explicit = await bus.publish("order.cancelled", cancelled(id), { partitionKey: "desk-7" });
    for (const event of [one, many!, inTx]) expect(event.envelope.metadata.partition_key).toBe(id);
    expect(explicit.envelope.metadata.partition_key).toBe("desk-7");
    const { rows } = await pool.query(
      "SELECT data->'metadata'->>'partition_key' AS key FROM events WHERE id = ANY($1::int[]) ORDER BY id",
      [[one.id, many!.id, inTx.id, explicit.id]],
    );
    expect(rows.map((row) => row.key)).toEqual([id, id, id, "desk-7"]);
  });
});
