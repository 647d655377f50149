import { randomUUID } from "node:crypto";
import { createPostbus, fromPool, isPostbusError, migrate, type Postbus } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CuttingProxy, startCuttingProxy } from "../../support/cutting-proxy.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let proxy: CuttingProxy;

beforeAll(async () => {
  pool = db.pool({ max: 2 });
  await migrate(fromPool(pool));
  proxy = await startCuttingProxy(Number(new URL(db.url).port));
});
afterAll(() => proxy.close());

/**
 * The insert of a publish that is alone on its client: it carries its own wake-up,
 * `WITH inserted AS (INSERT …), woken AS MATERIALIZED (SELECT pg_notify(…)) SELECT …`.
 */
const LEADING_INSERT = { text: "WITH INSERTED AS", tag: "SELECT" } as const;
/** The insert with wake-ups off (as after commit): a plain `INSERT … RETURNING`. */
const PLAIN_INSERT = { text: "INSERT", tag: "INSERT" } as const;

/** A client whose one connection goes through the proxy; a fresh pool, so the first INSERT is parsed on it. */
async function throughProxy<T>(
  work: (bus: Postbus) => Promise<T>,
  wakeups: "after-commit" | "off" = "after-commit",
): Promise<T> {
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const proxied = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const bus = createPostbus({ db: proxied, listen: false, wakeups });
  try {
    return await work(bus);
  } finally {
    await bus.close();
    await proxied.end();
  }
}

async function rowsWithEventId(eventId: string) {
  const { rows } = await pool.query(
    "SELECT id, tx::text AS tx FROM events WHERE data->'metadata'->>'event_id' = $1",
    [eventId],
  );
  return rows as Array<{ id: number; tx: string }>;
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("a publish whose commit outcome is unknown", () => {
  it.each([
    ["after-commit", LEADING_INSERT],
    ["off", PLAIN_INSERT],
  ] as const)(
    "committed, reply lost (wake-ups %s): POSTBUS_COMMIT_UNKNOWN naming the event id; a retry with that event_id returns the stored event and writes nothing",
    async (wakeups, insert) => {
      const eventId = randomUUID();
      const cutsBefore = proxy.cuts;
      const error = await throughProxy(async (bus) => {
        proxy.cut = { after: insert.text, tag: insert.tag };
        return failure(bus.publish("ac.committed", { n: 1 }, { metadata: { event_id: eventId } }));
      }, wakeups);
      expect(proxy.cuts - cutsBefore).toBe(1);
      expect(isPostbusError(error, "POSTBUS_COMMIT_UNKNOWN")).toBe(true);
      expect(error).toMatchObject({ subject: { eventType: "ac.committed", eventId } });
      expect((error as Error).message).toMatch(/may or may not have been committed/);
      const stored = await rowsWithEventId(eventId);
      expect(stored).toHaveLength(1); // it had committed

      const bus = createPostbus({ db: pool, listen: false });
      try {
        const retried = await bus.publish("ac.committed", { n: 1 }, { metadata: { event_id: eventId } });
        expect(retried.id).toBe(stored[0]!.id);
        expect(retried.position).toBe(`${stored[0]!.tx}:${stored[0]!.id}`);
        expect(retried.envelope.metadata.event_id).toBe(eventId);
        expect(await rowsWithEventId(eventId)).toHaveLength(1);
      } finally {
        await bus.close();
      }
    },
  );

  it("never sent: the same code (the client cannot tell), and the retry writes the event once", async () => {
    const eventId = randomUUID();
    const error = await throughProxy(async (bus) => {
      proxy.cut = { before: LEADING_INSERT.text };
      return failure(bus.publish("ac.lost", { n: 2 }, { metadata: { event_id: eventId } }));
    });
    expect(isPostbusError(error, "POSTBUS_COMMIT_UNKNOWN")).toBe(true);
    expect(await rowsWithEventId(eventId)).toHaveLength(0);
    const retried = await throughProxy((bus) =>
      bus.publish("ac.lost", { n: 2 }, { metadata: { event_id: eventId } }),
    );
    const stored = await rowsWithEventId(eventId);
    expect(stored.map((row) => row.id)).toEqual([retried.id]);
  });

  it("publishMany: COMMIT_UNKNOWN lists every event id; the retried batch returns the stored events in input order", async () => {
    const items = [1, 2, 3].map((n) => ({
      type: "ac.many",
      data: { n },
      metadata: { event_id: randomUUID() },
    }));
    const error = await throughProxy(async (bus) => {
      proxy.cut = { after: LEADING_INSERT.text, tag: LEADING_INSERT.tag };
      return failure(bus.publishMany(items));
    });
    expect(isPostbusError(error, "POSTBUS_COMMIT_UNKNOWN")).toBe(true);
    expect((error as { subject: { eventIds: string[] } }).subject.eventIds).toEqual(
      items.map((item) => item.metadata.event_id),
    );
    // One more item, new: the retry writes only that one.
    const retry = [...items, { type: "ac.many", data: { n: 4 }, metadata: { event_id: randomUUID() } }];
    const stored = await throughProxy((bus) => bus.publishMany(retry));
    expect(stored.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    const { rows } = await pool.query("SELECT id FROM events WHERE channel = 'ac.many' ORDER BY id");
    expect(rows.map((row) => row.id)).toEqual(stored.map((event) => event.id));
  });

  it("withTransaction: a COMMIT whose reply is lost is POSTBUS_COMMIT_UNKNOWN, not a plain database error", async () => {
    const eventId = randomUUID();
    const error = await throughProxy(async (bus) => {
      proxy.cut = { after: "COMMIT" };
      return failure(
        bus.withTransaction((tx) => tx.publish("ac.tx", { n: 5 }, { metadata: { event_id: eventId } })),
      );
    });
    expect(isPostbusError(error, "POSTBUS_COMMIT_UNKNOWN")).toBe(true);
    expect(await rowsWithEventId(eventId)).toHaveLength(1);
  });

  it("a server that cannot be reached is POSTBUS_DATABASE_ERROR: nothing was sent", async () => {
    const unreachable = new pg.Pool({ connectionString: "postgres://x@127.0.0.1:1/none", max: 1 });
    const bus = createPostbus({ db: unreachable, listen: false });
    try {
      const error = await failure(bus.publish("ac.unreachable", {}));
      expect(isPostbusError(error, "POSTBUS_DATABASE_ERROR")).toBe(true);
    } finally {
      await bus.close();
      await unreachable.end();
    }
  });
});

describe("idempotent publishing", () => {
  it("the same event_id twice leaves one row and returns the first event; inside a transaction too", async () => {
    const bus = createPostbus({ db: pool, listen: false });
    try {
      const eventId = randomUUID();
      const first = await bus.publish("ip.once", { n: 1 }, { metadata: { event_id: eventId } });
      const second = await bus.publish(
        "ip.once",
        { n: 2 },
        { metadata: { event_id: eventId.toUpperCase() } },
      );
      expect(second).toMatchObject({ id: first.id, position: first.position, data: { n: 1 } });
      const inTx = await bus.withTransaction((tx) =>
        tx.publish("ip.once", { n: 3 }, { metadata: { event_id: eventId } }),
      );
      expect(inTx.id).toBe(first.id);
      expect(await rowsWithEventId(eventId)).toHaveLength(1);
    } finally {
      await bus.close();
    }
  });

  it("refuses a batch that repeats an event_id, writing nothing", async () => {
    const bus = createPostbus({ db: pool, listen: false });
    try {
      const eventId = randomUUID();
      const error = await failure(
        bus.publishMany([
          { type: "ip.dup", data: 1, metadata: { event_id: eventId } },
          { type: "ip.dup", data: 2, metadata: { event_id: eventId } },
        ]),
      );
      expect(error).toMatchObject({ code: "POSTBUS_METADATA_INVALID", subject: { index: 1 } });
      expect(await rowsWithEventId(eventId)).toHaveLength(0);
    } finally {
      await bus.close();
    }
  });

  it("ADR writers never trip the unique index: plain INSERTs of any data, even a copy of a Postbus envelope, leave event_id NULL", async () => {
    const bus = createPostbus({ db: pool, listen: false });
    try {
      const event = await bus.publish("ip.adr", { n: 1 });
      const copy = JSON.stringify(event.envelope);
      await pool.query("INSERT INTO events (channel, data) VALUES ('ip.adr', $1), ('ip.adr', $1)", [copy]);
      const { rows } = await pool.query(
        "SELECT event_id::text AS event_id FROM events WHERE data->'metadata'->>'event_id' = $1 ORDER BY id",
        [event.envelope.metadata.event_id],
      );
      expect(rows).toEqual([
        { event_id: event.envelope.metadata.event_id },
        { event_id: null },
        { event_id: null },
      ]);
    } finally {
      await bus.close();
    }
  });
});
