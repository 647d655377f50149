import {
  createPostbus,
  fromPool,
  isPostbusError,
  migrate,
  type Postbus,
  type StoredEvent,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({
    db: pool,
    validators: { "et.wanted": z.object({ n: z.number() }), "et.other": z.object({ n: z.number() }) },
  });
});
afterAll(() => bus.close());

describe("subscribe({ eventTypes })", () => {
  it("hands only those types to the handler, passes over the others unread, and moves the cursor past all", async () => {
    await bus.publish("et.wanted", { n: 1 }, { channel: "et" });
    await bus.publish("et.other", { n: 2 }, { channel: "et" });
    // A malformed event of another type, written by plain SQL: never validated, never a dead letter.
    await pool.query("INSERT INTO events (channel, data) VALUES ('et', $1)", [
      { event_type: "et.other", timestamp: new Date().toISOString(), data: { n: "x" }, metadata: {} },
    ]);
    await bus.publish("et.wanted", { n: 3 }, { channel: "et" });
    await deliverable(pool);
    const seen: StoredEvent[] = [];
    const stats = await bus.drain({
      group: "wanted-only",
      channels: "et",
      eventTypes: ["et.wanted"],
      handler: (event) => {
        seen.push(event);
      },
    });
    expect(seen.map((event) => event.data)).toEqual([{ n: 1 }, { n: 3 }]);
    expect(stats.deadLettered).toBe(0);
    expect(stats.failedAttempts).toBe(0);
    const status = await bus.status();
    const cursor = status.groups.find((group) => group.group === "wanted-only")?.channels[0];
    expect(cursor?.lagEvents).toBe(0);
  });

  it("rejects an empty or malformed list before touching the database", () => {
    const handler = () => {};
    for (const eventTypes of [[], ["bad type"], "et.wanted"]) {
      let code: string | undefined;
      try {
        bus.subscribe({ group: "g", channels: "et", eventTypes: eventTypes as never, handler });
      } catch (error) {
        code = isPostbusError(error) ? error.code : String(error);
      }
      expect(code).toMatch(/POSTBUS_OPTIONS_INVALID|POSTBUS_NAME_INVALID/);
    }
  });
});
