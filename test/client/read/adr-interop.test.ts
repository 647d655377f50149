import { createPostbus, fromPool, migrate } from "@postbus/client";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(async () => {
  pool = db.pool();
  // An ADR deployment that predates Postbus: its table and a row already exist.
  await pool.query(`CREATE TABLE events (
    id SERIAL PRIMARY KEY,
    channel VARCHAR(50) NOT NULL,
    data JSONB NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
  )`);
  await pool.query(
    `INSERT INTO events (channel, data) VALUES ('setup.received', '{"event_type":"setup.received","timestamp":"2025-05-15T10:30:45Z","data":{"setupId":"legacy-1"},"metadata":{}}')`,
  );
  await migrate(fromPool(pool));
});

describe("a writer that follows only the ADR", () => {
  it("keeps the rows of an events table that existed before Postbus and makes them deliverable", async () => {
    const bus = createPostbus({ db: pool });
    await deliverable(pool);
    const events = await bus.readEvents("setup.received");
    await bus.close();
    expect(events.map((event) => event.data)).toContainEqual({ setupId: "legacy-1" });
  });

  it("inserts with plain SQL and Postbus reads the row with getLatestEvents and readEvents", async () => {
    const envelope = {
      event_type: "signal.triggered",
      timestamp: "2025-05-15T10:30:45Z",
      data: { symbol: "ETH-USD" },
      metadata: { source: "python" },
    };
    const inserted = await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2) RETURNING id", [
      "signal.triggered",
      JSON.stringify(envelope),
    ]);
    const bus = createPostbus({ db: pool });
    const [latest] = await bus.getLatestEvents("signal.triggered", { limit: 1 });
    await deliverable(pool);
    const replay = await bus.readEvents(["signal.triggered"]);
    await bus.close();
    expect(latest?.id).toBe(inserted.rows[0].id);
    expect(latest?.envelope).toEqual(envelope);
    expect(latest?.type).toBe("signal.triggered");
    expect(replay.map((event) => event.id)).toContain(inserted.rows[0].id);
  });

  it("reads Postbus's rows with plain SQL exactly as the ADR describes them", async () => {
    const bus = createPostbus({ db: pool, producer: "ts-service" });
    const event = await bus.publish("signal.triggered", { symbol: "SOL-USD" });
    await bus.close();
    const { rows } = await pool.query(
      "SELECT id, channel, data->>'event_type' AS event_type, data->'data' AS payload, created_at FROM events WHERE channel = 'signal.triggered' ORDER BY id DESC LIMIT 1",
    );
    expect(rows[0]).toMatchObject({
      id: event.id,
      channel: "signal.triggered",
      event_type: "signal.triggered",
      payload: { symbol: "SOL-USD" },
    });
    expect(rows[0].created_at).toBeInstanceOf(Date);
  });

  it("reads a row whose data is not an envelope as the payload of an event named after its channel", async () => {
    await pool.query(`INSERT INTO events (channel, data) VALUES ('raw.metrics', '[1, 2, 3]')`);
    await pool.query(
      `INSERT INTO events (channel, data) VALUES ('raw.metrics', '{"event_type":"raw.metrics","data":{"cpu":0.5}}')`,
    );
    const bus = createPostbus({ db: pool });
    await deliverable(pool);
    const events = await bus.readEvents("raw.metrics");
    await bus.close();
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ["raw.metrics", [1, 2, 3]],
      ["raw.metrics", { cpu: 0.5 }],
    ]);
    expect(events[1]?.envelope.metadata).toEqual({});
    expect(events[1]?.envelope.timestamp).toBe(events[1]?.createdAt.toISOString());
  });
});
