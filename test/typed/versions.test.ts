/**
 * Contract versions on real PostgreSQL: `metadata.contract_version` written by the typed client
 * and inferred for rows without it (ADR-only writers), the repo's `order.placed` v1 → v2 upcaster
 * applied on delivery and on typed reads, a broken upcaster dead-lettering, version pins,
 * deprecated versions and renamed event types.
 */
import {
  type ContractRegistry,
  createTypedPostbus,
  fromPool,
  isPostbusError,
  migrate,
  type TypedPostbus,
} from "@postbus/client";
import { contracts, type OrderPlaced, type OrderPlacedV1 } from "@postbus/types";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: TypedPostbus<typeof contracts>;
const buses: { close(): Promise<void> }[] = [];

const v1 = (orderId: string): OrderPlacedV1 => ({
  orderId,
  setupId: "0e3c9d0a-6a8b-4f7e-9b57-3b2f0d7c1a90",
  symbol: "BTC-USD",
  side: "buy",
  quantity: 0.25,
  limitPrice: 64250,
});
const v2 = (orderId: string): OrderPlaced => ({
  orderId,
  setupId: "0e3c9d0a-6a8b-4f7e-9b57-3b2f0d7c1a90",
  symbol: "ETH-USD",
  side: "sell",
  quantity: 2,
  orderType: "market",
  timeInForce: "IOC",
  placedAt: "2025-05-15T10:31:02Z",
});
const ids = {
  postbusV1: "11111111-1111-4111-8111-111111111111",
  adrV1: "22222222-2222-4222-8222-222222222222",
  postbusV2: "33333333-3333-4333-8333-333333333333",
  adrV2: "44444444-4444-4444-8444-444444444444",
};

/** What a plain ADR writer does: no Postbus, no contract_version. */
async function adrInsert(eventType: string, data: unknown): Promise<void> {
  const envelope = { event_type: eventType, timestamp: new Date().toISOString(), data, metadata: {} };
  await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
    "orders",
    JSON.stringify(envelope),
  ]);
}

const warnings: string[] = [];
const onWarning = (warning: Error & { code?: string }) => {
  if (warning.code === "POSTBUS_DEPRECATED_VERSION") warnings.push(warning.message);
};

function client<const Registry extends ContractRegistry>(
  registry: Registry,
  options: { deprecatedVersions?: "warn" | "error" | "silent" } = {},
) {
  const created = createTypedPostbus({
    db: pool,
    contracts: registry,
    producer: "orders",
    listen: false,
    ...options,
  });
  buses.push(created);
  return created;
}

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  process.on("warning", onWarning);
  bus = createTypedPostbus({ db: pool, contracts, producer: "orders", listen: false });
  buses.push(bus);
  // v1 written by Postbus (deprecated: warns) and by an ADR-only writer; then v2 both ways.
  await bus.publish("order.placed", v1(ids.postbusV1));
  await adrInsert("order.placed", v1(ids.adrV1));
  await bus.publish("order.placed", v2(ids.postbusV2));
  await adrInsert("order.placed", v2(ids.adrV2));
  await bus.publish("order.placed", v1("55555555-5555-4555-8555-555555555555"), { version: 1 });
  await deliverable(pool);
});
afterAll(async () => {
  process.off("warning", onWarning);
  await Promise.all(buses.map((created) => created.close()));
});

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (isPostbusError(error) ? error.code : String(error)),
  );

describe("versions on the wire", () => {
  test("the typed client writes metadata.contract_version; the ADR's four envelope keys stay as they are", async () => {
    const { rows } = await pool.query(
      "SELECT data->'data'->>'orderId' AS order_id, data->'metadata'->'contract_version' AS version, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(data) k) AS keys FROM events ORDER BY id",
    );
    expect(rows.map((row) => [row.order_id, row.version])).toEqual([
      [ids.postbusV1, 1],
      [ids.adrV1, null],
      [ids.postbusV2, 2],
      [ids.adrV2, null],
      ["55555555-5555-4555-8555-555555555555", 1],
    ]);
    for (const row of rows) expect(row.keys).toEqual(["data", "event_type", "metadata", "timestamp"]);
  });

  test("publishing a deprecated version warns once per process per event type, not once per publish", () => {
    expect(warnings).toEqual([
      '"order.placed" version 1 is deprecated: Publish version 2: it names the order type and the time in force. (publish version 2)',
    ]);
  });

  test("deprecatedVersions: 'error' refuses the publish and writes nothing; 'silent' says nothing", async () => {
    const strict = client(contracts, { deprecatedVersions: "error" });
    const before = (await pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n;
    expect(await codeOf(strict.publish("order.placed", v1("66666666-6666-4666-8666-666666666666")))).toBe(
      "POSTBUS_DEPRECATED_VERSION",
    );
    expect((await pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(before);
    expect(() => client(contracts, { deprecatedVersions: "loud" as never })).toThrow(/deprecatedVersions/);
    const quiet = client(contracts, { deprecatedVersions: "silent" });
    await quiet.publish("order.placed", v1("99999999-9999-4999-8999-999999999999"));
    expect(warnings).toHaveLength(1);
    await pool.query("DELETE FROM events WHERE data->'data'->>'orderId' = $1", [
      "99999999-9999-4999-8999-999999999999",
    ]);
  });

  test("a version the payload is not is refused before writing", async () => {
    expect(
      await codeOf(bus.publish("order.placed", v2("77777777-7777-4777-8777-777777777777"), { version: 1 })),
    ).toBe("POSTBUS_VALIDATION_FAILED");
    expect(
      await codeOf(bus.publish("order.placed", v2("77777777-7777-4777-8777-777777777777"), { version: 3 })),
    ).toBe("POSTBUS_OPTIONS_INVALID");
  });
});

describe("upcasting on delivery", () => {
  test("a new group replaying from the beginning gets only v2 payloads, all of them, none dead-lettered", async () => {
    const seen: { orderId: string; orderType: string; stored: number; source: string; version: number }[] =
      [];
    const stats = await bus.drain({
      group: "replay-v2",
      channels: ["orders"],
      maxAttempts: 1,
      handler: (event) => {
        if (event.type !== "order.placed") return;
        expectTypeOf(event.data).toEqualTypeOf<OrderPlaced>(); // one type: the newest version
        seen.push({
          orderId: event.data.orderId,
          orderType: event.data.orderType,
          stored: event.contract.storedVersion,
          source: event.contract.source,
          version: event.contract.version,
        });
      },
    });
    expect(stats.deadLettered).toBe(0);
    expect(seen).toEqual([
      { orderId: ids.postbusV1, orderType: "limit", stored: 1, source: "declared", version: 2 },
      { orderId: ids.adrV1, orderType: "limit", stored: 1, source: "inferred", version: 2 },
      { orderId: ids.postbusV2, orderType: "market", stored: 2, source: "declared", version: 2 },
      { orderId: ids.adrV2, orderType: "market", stored: 2, source: "inferred", version: 2 },
      {
        orderId: "55555555-5555-4555-8555-555555555555",
        orderType: "limit",
        stored: 1,
        source: "declared",
        version: 2,
      },
    ]);
    expect(await bus.listDeadLetters({ group: "replay-v2" })).toEqual([]);
  });

  test("typed reads upcast too; the untyped client still sees what is stored", async () => {
    const typed = await bus.readEvents("orders");
    expect(
      typed.map((event) => (event.type === "order.placed" ? event.data.timeInForce : event.type)),
    ).toEqual(["GTC", "GTC", "IOC", "IOC", "GTC"]);
    const latest = await bus.getLatestEvents("orders", { limit: 1 });
    expect(latest[0]?.data).toMatchObject({ orderType: "limit", placedAt: "1970-01-01T00:00:00Z" });
    const untyped = await bus.untyped.readEvents("orders");
    expect(untyped[0]?.data).toEqual(v1(ids.postbusV1));
  });

  test("a reader pinned to v1 gets v1 events as stored and refuses newer ones instead of guessing", async () => {
    const pinned = await bus.readEvents("orders", { versions: { "order.placed": 1 }, limit: 2 });
    expectTypeOf<
      Extract<(typeof pinned)[number], { type: "order.placed" }>["data"]
    >().toEqualTypeOf<OrderPlacedV1>();
    expect(pinned.map((event) => event.data)).toEqual([v1(ids.postbusV1), v1(ids.adrV1)]);
    expect(await codeOf(bus.readEvents("orders", { versions: { "order.placed": 1 } }))).toBe(
      "POSTBUS_VERSION_UNAVAILABLE",
    );
  });

  test("an upcaster producing an invalid payload dead-letters the event with a message naming the upcaster and the position", async () => {
    const placed = contracts["order.placed"];
    const broken = {
      ...contracts,
      "order.placed": {
        ...placed,
        contractVersions: [
          placed.contractVersions[0],
          {
            ...placed.contractVersions[1],
            upcast: {
              to: 2,
              upcaster: "schemas/orders/upcasters/order.placed.v1-to-v2.ts",
              run: (data: OrderPlacedV1) => ({ ...data, orderType: "stop" }),
            },
          },
        ],
      },
    } as const satisfies ContractRegistry;
    const handled = new Set<string>(); // a batch runs the events before a failing one again
    const stats = await client(broken).drain({
      group: "replay-broken",
      channels: ["orders"],
      maxAttempts: 1,
      handler: (event) => {
        if (event.type === "order.placed") handled.add(event.data.orderId);
      },
    });
    expect([...handled]).toEqual([ids.postbusV2, ids.adrV2]);
    expect(stats.deadLettered).toBe(3);
    const dead = await bus.listDeadLetters({ group: "replay-broken" });
    expect(dead).toHaveLength(3);
    for (const letter of dead) {
      expect(letter.error).toContain("POSTBUS_UPCAST_FAILED");
      expect(letter.error).toContain(
        "schemas/orders/upcasters/order.placed.v1-to-v2.ts (order.placed v1 → v2)",
      );
      expect(letter.error).toContain(`event ${letter.position}`);
      expect(letter.error).toContain("/data/orderType");
    }
  });
});

describe("renamed event types", () => {
  test("stored and newly written events under the old name are delivered as the new type", async () => {
    const { "order.placed": placed, ...others } = contracts;
    const renamed = {
      ...others,
      "order.submitted": { ...placed, eventType: "order.submitted", renamedFrom: ["order.placed"] },
    } as const satisfies ContractRegistry;
    await adrInsert("order.placed", v2("88888888-8888-4888-8888-888888888888")); // written after the rename
    await deliverable(pool);
    const seen: [string, string, string][] = [];
    const stats = await client(renamed).drain({
      group: "after-rename",
      channels: ["orders"],
      eventTypes: ["order.submitted"],
      maxAttempts: 1,
      handler: (event) => {
        if (event.type === "order.submitted") {
          seen.push([event.type, event.contract.storedType, event.data.timeInForce]);
        }
      },
    });
    expect(stats.deadLettered).toBe(0);
    expect(seen).toHaveLength(6);
    for (const [type, storedType] of seen)
      expect([type, storedType]).toEqual(["order.submitted", "order.placed"]);
    expect(seen.at(-1)?.[2]).toBe("IOC");
  });
});
