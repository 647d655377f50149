import { createPostbus, fromPool, migrate } from "@postbus/client";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
});

describe("the events table", () => {
  it("has the ADR's columns with the ADR's types, plus a defaulted tx column and a nullable event_id", async () => {
    const { rows } = await pool.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'events'
       ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        column_name: "id",
        data_type: "integer",
        is_nullable: "NO",
        column_default: "nextval('events_id_seq'::regclass)",
      }),
      expect.objectContaining({
        column_name: "channel",
        data_type: "character varying",
        character_maximum_length: 50,
        is_nullable: "NO",
      }),
      expect.objectContaining({ column_name: "data", data_type: "jsonb", is_nullable: "NO" }),
      expect.objectContaining({
        column_name: "created_at",
        data_type: "timestamp without time zone",
        is_nullable: "NO",
        column_default: "now()",
      }),
      expect.objectContaining({
        column_name: "tx",
        data_type: "xid8",
        is_nullable: "NO",
        column_default: "pg_current_xact_id()",
      }),
      // Postbus copies metadata.event_id here (unique among its rows); plain ADR inserts leave it NULL.
      expect.objectContaining({
        column_name: "event_id",
        data_type: "uuid",
        is_nullable: "YES",
        column_default: null,
      }),
    ]);
    const pk = await pool.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = 'public.events'::regclass AND i.indisprimary`,
    );
    expect(pk.rows).toEqual([{ attname: "id" }]);
  });

  it("has the (channel, tx, id) index that gap-safe reads use", async () => {
    const { rows } = await pool.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname = 'events_channel_tx_id_idx'`,
    );
    expect(rows[0]?.indexdef).toMatch(/\(channel, tx, id\)/);
  });
});

describe("the envelope", () => {
  it("is stored exactly as the ADR's {event_type, timestamp, data, metadata}", async () => {
    const bus = createPostbus({ db: pool, producer: "signals" });
    const published = await bus.publish("signal.triggered", { symbol: "BTC-USD", price: 64210.5 });
    await bus.close();

    const { rows } = await pool.query("SELECT channel, data FROM events WHERE id = $1", [published.id]);
    const row = rows[0];
    expect(row.channel).toBe("signal.triggered");
    expect(Object.keys(row.data).sort()).toEqual(["data", "event_type", "metadata", "timestamp"]);
    expect(row.data.event_type).toBe("signal.triggered");
    expect(row.data.data).toEqual({ symbol: "BTC-USD", price: 64210.5 });
    expect(row.data.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(row.data.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(row.data.metadata).toEqual({
      event_id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      correlation_id: row.data.metadata.event_id,
      causation_id: null,
      producer: "signals",
    });
  });

  it("returns the stored event: id, channel, position, created_at and the envelope", async () => {
    const bus = createPostbus({ db: pool });
    const event = await bus.publish("setup.received", { setupId: "s-1" }, { channel: "setups" });
    await bus.close();
    const { rows } = await pool.query(
      "SELECT id, channel, tx::text AS tx, created_at::timestamptz AS created_at, data FROM events WHERE id = $1",
      [event.id],
    );
    expect(event).toEqual({
      id: rows[0].id,
      channel: "setups",
      position: `${rows[0].tx}:${rows[0].id}`,
      createdAt: rows[0].created_at,
      envelope: rows[0].data,
      type: "setup.received",
      data: { setupId: "s-1" },
    });
  });

  it("derives correlation and causation from the causing event", async () => {
    const bus = createPostbus({ db: pool });
    const first = await bus.publish("signal.triggered", { n: 1 });
    const second = await bus.publish("setup.received", { n: 2 }, { causedBy: first });
    const third = await bus.publish(
      "order.placed",
      { n: 3 },
      { causedBy: second, metadata: { tenant: "eu" } },
    );
    await bus.close();
    expect(second.envelope.metadata.causation_id).toBe(first.envelope.metadata.event_id);
    expect(second.envelope.metadata.correlation_id).toBe(first.envelope.metadata.event_id);
    expect(third.envelope.metadata.causation_id).toBe(second.envelope.metadata.event_id);
    expect(third.envelope.metadata.correlation_id).toBe(first.envelope.metadata.event_id);
    expect(third.envelope.metadata.tenant).toBe("eu");
  });

  it("keeps a caller-supplied event_id", async () => {
    const bus = createPostbus({ db: pool });
    const eventId = "0b4c8a3e-9f3e-4a53-8f5c-7e1f2b1c9d00";
    const event = await bus.publish("signal.triggered", {}, { metadata: { event_id: eventId } });
    await bus.close();
    expect(event.envelope.metadata.event_id).toBe(eventId);
  });
});
