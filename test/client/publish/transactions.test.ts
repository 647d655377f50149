import {
  createPostbus,
  fromClient,
  fromPool,
  migrate,
  type Postbus,
  PostbusInputError,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
  await pool.query("CREATE TABLE orders (id text PRIMARY KEY)");
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const count = async (channel: string) =>
  Number((await pool.query("SELECT count(*) AS n FROM events WHERE channel = $1", [channel])).rows[0].n);

describe("publishing inside the caller's transaction", () => {
  it("commits the event with the caller's business write", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO orders (id) VALUES ('o-1')");
      const event = await bus.publish("order.placed", { orderId: "o-1" }, { tx: client });
      expect(await count("order.placed")).toBe(0); // not visible before COMMIT
      await client.query("COMMIT");
      expect(await count("order.placed")).toBe(1);
      expect(event.channel).toBe("order.placed");
    } finally {
      client.release();
    }
  });

  it("leaves no event when the caller's transaction rolls back", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO orders (id) VALUES ('o-2')");
      await bus.publish("order.cancelled", { orderId: "o-2" }, { tx: fromClient(client) });
      await bus.publishMany([{ type: "order.cancelled", data: { orderId: "o-2b" } }], { tx: client });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await count("order.cancelled")).toBe(0);
    expect((await pool.query("SELECT 1 FROM orders WHERE id = 'o-2'")).rows).toEqual([]);
  });

  it("withTransaction commits events with the callback's writes and rolls both back on throw", async () => {
    await bus.withTransaction(async (tx) => {
      await tx.query("INSERT INTO orders (id) VALUES ('o-3')");
      await tx.publish("order.shipped", { orderId: "o-3" });
      await tx.publishMany([{ type: "order.shipped", data: { orderId: "o-3", leg: 2 } }]);
    });
    expect(await count("order.shipped")).toBe(2);

    await expect(
      bus.withTransaction(async (tx) => {
        await tx.query("INSERT INTO orders (id) VALUES ('o-4')");
        await tx.publish("order.returned", { orderId: "o-4" });
        throw new Error("payment declined");
      }),
    ).rejects.toThrow("payment declined");
    expect(await count("order.returned")).toBe(0);
    expect((await pool.query("SELECT 1 FROM orders WHERE id = 'o-4'")).rows).toEqual([]);
  });
});

describe("publishMany", () => {
  it("writes a batch in input order with consecutive ids in one transaction", async () => {
    const items = Array.from({ length: 250 }, (_, n) => ({
      type: n % 2 === 0 ? "fill.even" : "fill.odd",
      data: { n },
    }));
    const stored = await bus.publishMany(items);
    expect(stored.map((event) => event.data)).toEqual(items.map((item) => item.data));
    expect(stored.map((event) => event.channel)).toEqual(items.map((item) => item.type));
    const ids = stored.map((event) => event.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(stored.map((event) => event.position.split(":")[0])).size).toBe(1);
    const { rows } = await pool.query(
      "SELECT id, data->'data'->>'n' AS n FROM events WHERE id = ANY($1) ORDER BY id",
      [ids],
    );
    expect(rows.map((row) => Number(row.n))).toEqual(items.map((_, n) => n));
  });

  it("writes none of a batch when one event is bad, and names the bad one", async () => {
    const before = await count("batch.atomic");
    const error = await bus
      .publishMany([
        { type: "batch.atomic", data: { ok: 1 } },
        { type: "batch.atomic", data: { ok: 2 } },
        { type: "batch.atomic", data: { at: new Date() } },
        { type: "batch.atomic", data: { ok: 4 } },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostbusInputError);
    expect(error).toMatchObject({
      code: "POSTBUS_JSON_NOT_PLAIN",
      subject: { index: 2, pointer: "/data/at" },
    });
    expect(await count("batch.atomic")).toBe(before);
  });

  it("writes none of a batch when the database rejects it", async () => {
    await pool.query(`CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.data->'data' ? 'poison' THEN RAISE EXCEPTION 'poison row'; END IF; RETURN NEW; END $$`);
    await pool.query(
      "CREATE TRIGGER reject_poison BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION reject_poison()",
    );
    try {
      await expect(
        bus.publishMany([
          { type: "batch.db", data: { ok: 1 } },
          { type: "batch.db", data: { poison: true } },
        ]),
      ).rejects.toMatchObject({ code: "POSTBUS_DATABASE_ERROR", sqlstate: "P0001" });
      expect(await count("batch.db")).toBe(0);
    } finally {
      await pool.query("DROP TRIGGER reject_poison ON events");
    }
  });

  it("returns [] for an empty batch without touching the database", async () => {
    expect(await bus.publishMany([])).toEqual([]);
  });
});
