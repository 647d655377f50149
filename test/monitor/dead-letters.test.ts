import {
  createPostbus,
  fromPool,
  listDeadLetters,
  migrate,
  type Postbus,
  requestRedrive,
  type StoredEvent,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

/** Publishes events and dead-letters the poisoned ones for `group` (one attempt each). */
async function deadLetter(group: string, channel: string, items: { n: number; poison?: boolean }[]) {
  const events = await bus.publishMany(items.map((data) => ({ type: channel, data })));
  await deliverable(pool);
  const handled: StoredEvent[] = [];
  let cured = false;
  const options = {
    group,
    channels: channel,
    maxAttempts: 1,
    handler: (event: StoredEvent) => {
      if ((event.data as { poison?: boolean }).poison && !cured) throw new Error(`poisoned ${event.id}`);
      handled.push(event);
    },
  };
  await bus.drain(options);
  return {
    events,
    handled,
    cure: () => {
      cured = true;
    },
    drain: () => bus.drain(options),
  };
}

describe("dead letters", () => {
  it("are listed oldest first with the event, its error and attempts", async () => {
    const { events } = await deadLetter("listing", "dl.list", [
      { n: 1, poison: true },
      { n: 2 },
      { n: 3, poison: true },
    ]);
    const letters = await listDeadLetters(fromPool(pool), { group: "listing" });
    expect(letters).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        group: "listing",
        eventId: events[0]!.id,
        channel: "dl.list",
        position: events[0]!.position,
        error: `Error: poisoned ${events[0]!.id}`,
        attempts: 1,
        firstFailedAt: expect.any(Date),
        deadAt: expect.any(Date),
        status: "dead",
        redrivenAt: null,
        data: events[0]!.envelope,
      },
      expect.objectContaining({ eventId: events[2]!.id, position: events[2]!.position }),
    ]);
    expect(BigInt(letters[0]!.id)).toBeLessThan(BigInt(letters[1]!.id));
    expect(await listDeadLetters(fromPool(pool), { group: "listing", limit: 1 })).toHaveLength(1);
    expect(await listDeadLetters(fromPool(pool), { group: "listing", status: "redrive" })).toEqual([]);
    expect(await listDeadLetters(fromPool(pool), { group: "nobody" })).toEqual([]);
  });

  it("are redriven on request — only dead ones, all of the group's or the chosen ids — by the next drain", async () => {
    const first = await deadLetter("redriving", "dl.redrive", [
      { n: 1, poison: true },
      { n: 2, poison: true },
    ]);
    await deadLetter("bystander", "dl.bystander", [{ n: 3, poison: true }]); // another group's
    const [one, two] = await listDeadLetters(fromPool(pool), { group: "redriving" });

    expect(await requestRedrive(fromPool(pool), { group: "redriving", ids: [] })).toBe(0);
    expect(await requestRedrive(fromPool(pool), { group: "redriving", ids: [one!.id] })).toBe(1);
    expect(await requestRedrive(fromPool(pool), { group: "redriving", ids: [one!.id] })).toBe(0); // not dead now
    const marked = await listDeadLetters(fromPool(pool), { group: "redriving", status: "redrive" });
    expect(marked.map((letter) => letter.id)).toEqual([one!.id]);

    first.cure();
    const stats = await first.drain();
    expect(stats.redriven).toBe(1);
    expect(first.handled.map((event) => event.id)).toEqual([one!.eventId]);
    const [redriven] = await listDeadLetters(fromPool(pool), { group: "redriving", status: "redriven" });
    expect(redriven).toMatchObject({ id: one!.id, status: "redriven", redrivenAt: expect.any(Date) });

    expect(await requestRedrive(fromPool(pool), { group: "redriving" })).toBe(1); // two, the last dead one
    expect((await first.drain()).redriven).toBe(1);
    expect(first.handled.map((event) => event.id)).toEqual([one!.eventId, two!.eventId]);
    expect(await listDeadLetters(fromPool(pool), { group: "bystander", status: "dead" })).toHaveLength(1);
  });

  it("a redrive that fails again goes back to dead with the new error and one more attempt", async () => {
    const run = await deadLetter("relapse", "dl.relapse", [{ n: 1, poison: true }]);
    expect(await requestRedrive(fromPool(pool), { group: "relapse" })).toBe(1);
    await run.drain();
    const [letter] = await listDeadLetters(fromPool(pool), { group: "relapse" });
    expect(letter).toMatchObject({
      status: "dead",
      attempts: 2,
      error: `Error: poisoned ${run.events[0]!.id}`,
    });
  });

  it.each([
    [{ status: "lost" }, "POSTBUS_OPTIONS_INVALID"],
    [{ limit: 0 }, "POSTBUS_LIMIT_INVALID"],
    [{ group: "no spaces" }, "POSTBUS_NAME_INVALID"],
    [{ schema: "Public" }, "POSTBUS_NAME_INVALID"],
  ])("listing with %j fails with %s", async (options, code) => {
    await expect(listDeadLetters(fromPool(pool), options as never)).rejects.toMatchObject({ code });
  });

  it.each([
    [{ group: "relapse", ids: ["1; DROP TABLE events"] }, "POSTBUS_OPTIONS_INVALID"],
    [{ group: "relapse", ids: "1" }, "POSTBUS_OPTIONS_INVALID"],
    [{ group: "" }, "POSTBUS_NAME_INVALID"],
  ])("a redrive request with %j fails with %s and marks nothing", async (options, code) => {
    await expect(requestRedrive(fromPool(pool), options as never)).rejects.toMatchObject({ code });
    expect(await listDeadLetters(fromPool(pool), { status: "redrive" })).toEqual([]);
  });
});
