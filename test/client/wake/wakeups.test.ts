import {
  createPostbus,
  type Executor,
  fromClient,
  fromPool,
  migrate,
  type Postbus,
  wakeChannel,
} from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let listener: pg.Client;
let bus: Postbus;
const received: Array<{ payload: string; at: number }> = [];

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
  listener = new pg.Client({ connectionString: db.url, application_name: "wakeups-test-listener" });
  await listener.connect();
  listener.on("notification", (message) => received.push({ payload: message.payload ?? "", at: Date.now() }));
  await listener.query(`LISTEN "${wakeChannel("public")}"`);
  bus = createPostbus({ db: pool });
});
afterAll(async () => {
  await bus.close();
  await listener.end();
});

async function next(
  predicate: (payload: string) => boolean,
  timeoutMs = 3_000,
): Promise<{ payload: string; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = received.find((message) => predicate(message.payload));
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no matching notification within ${timeoutMs} ms: ${JSON.stringify(received)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("wake-ups", () => {
  it("a plain ADR insert from another writer wakes readers (empty payload: look at every channel)", async () => {
    received.length = 0;
    await pool.query(
      `INSERT INTO events (channel, data) VALUES ('setup.received', '{"event_type":"setup.received","timestamp":"2025-05-15T10:30:45Z","data":{},"metadata":{}}')`,
    );
    expect((await next((payload) => payload === "")).payload).toBe("");
  });

  it("another writer's INSERT of 1,000 rows in one statement sends one wake-up", async () => {
    received.length = 0;
    await pool.query(
      `INSERT INTO events (channel, data)
       SELECT 'bulk.plain', jsonb_build_object('event_type', 'bulk.plain', 'data', jsonb_build_object('n', n), 'metadata', '{}'::jsonb)
       FROM generate_series(1, 1000) AS n`,
    );
    await next((payload) => payload === "");
    await settle(100);
    expect(received.filter((message) => message.payload === "")).toHaveLength(1);
  });

  it("the trigger is called for other writers' rows only: Postbus's rows (with an event_id) skip it in its WHEN clause", async () => {
    const { rows } = await pool.query<{ definition: string }>(
      "SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgname = 'events_wake_readers'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.definition).toMatch(
      /AFTER INSERT ON public\.events FOR EACH ROW WHEN \(\(new\.event_id IS NULL\)\)/,
    );
  });

  it("a Postbus publish wakes readers after commit with the channel, and the event is readable by then", async () => {
    received.length = 0;
    const event = await bus.publish("signal.triggered", { n: 1 });
    const message = await next((payload) => payload.split(",").includes("signal.triggered"));
    expect(message.payload).toBe("signal.triggered");
    const { rows } = await pool.query("SELECT 1 FROM events WHERE id = $1", [event.id]);
    expect(rows).toHaveLength(1);
    await settle(50);
    expect(received.filter((m) => m.payload === "")).toEqual([]); // the trigger stayed quiet
  });

  it("an idle publisher's commit carries its own wake-up: delivered by the time publish returns, no NOTIFY statement after it", async () => {
    const sent: string[] = [];
    const base = fromPool(pool);
    const recording: Executor = {
      inCallerTransaction: false,
      query(text, values, options) {
        sent.push(text);
        return base.query(text, values, options);
      },
    };
    const idle = createPostbus({ db: recording });
    try {
      await settle(20);
      sent.length = 0;
      received.length = 0;
      await idle.publish("lead.first", { n: 1 });
      // PostgreSQL delivers a transaction's notifications at its commit, before the statement's reply.
      await next((payload) => payload === "lead.first", 500);
      await settle(50);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/pg_notify/);
      expect(received.map((message) => message.payload)).toEqual(["lead.first"]);
    } finally {
      await idle.close();
    }
  });

  it("a leading publish that fails hands the edge back: overlapping and later publishes are all announced", async () => {
    const base = fromPool(pool);
    let failNext = true;
    const sent: string[] = [];
    const flaky: Executor = {
      inCallerTransaction: false,
      query(text, values, options) {
        sent.push(text);
        if (failNext && /INSERT INTO/.test(text)) {
          failNext = false;
          return Promise.reject(new Error("refused by the test"));
        }
        return base.query(text, values, options);
      },
    };
    const client = createPostbus({ db: flaky });
    try {
      received.length = 0;
      await expect(client.publish("edge.failed", {})).rejects.toThrow(/refused by the test/);
      // The edge is free again: the next idle publish leads (one statement, which notifies).
      sent.length = 0;
      await client.publish("edge.next", {});
      await next((payload) => payload === "edge.next", 500);
      await settle(20);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/pg_notify/);
      // One leads (its statement notifies), the others overlap it and are announced after commit.
      await Promise.all([0, 1, 2, 3].map((n) => client.publish(`edge.overlap.${n}`, {})));
      await client.publish("edge.last", {});
      await next((payload) => payload.split(",").includes("edge.last"));
      const named = new Set(received.flatMap((message) => message.payload.split(",")));
      for (const n of [0, 1, 2, 3]) expect(named).toContain(`edge.overlap.${n}`);
      expect(named).not.toContain("edge.failed");
    } finally {
      await client.close();
    }
  });

  it("a subscription in the publishing process is told of a leading commit at once, without LISTEN", async () => {
    const quiet = createPostbus({ db: pool, listen: false });
    try {
      const handled: number[] = [];
      const subscription = quiet.subscribe({
        group: "lead-local",
        channels: ["lead.local"],
        from: "now",
        pollIntervalMs: 30_000,
        handler: () => {
          handled.push(Date.now());
        },
      });
      await subscription.ready;
      await settle(50);
      const before = Date.now();
      await quiet.publish("lead.local", {});
      const deadline = Date.now() + 2_000;
      while (handled.length === 0 && Date.now() < deadline) await settle(5);
      expect(handled).toHaveLength(1);
      expect(handled[0]! - before).toBeLessThan(1_000);
      await subscription.close();
    } finally {
      await quiet.close();
    }
  });

  it("an event in the caller's transaction wakes readers only once it commits, without notifying inside it", async () => {
    received.length = 0;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await bus.publish("order.placed", { orderId: "o-1" }, { tx: client });
      await settle(150);
      expect(received).toEqual([]);
      const committedAt = Date.now();
      await client.query("COMMIT");
      const message = await next((payload) => payload === "order.placed");
      expect(message.at).toBeGreaterThanOrEqual(committedAt);
      await settle(50);
      expect(received.map((m) => m.payload)).toEqual(["order.placed"]);
    } finally {
      client.release();
    }
  });

  it("a caller's pg client reports its COMMIT: the wake-up follows it without one pg_xact_status query", async () => {
    const texts: string[] = [];
    const base = fromPool(pool);
    const recording: Executor = {
      ...base,
      query: (text, values, options) => {
        texts.push(text);
        return base.query(text, values, options);
      },
    };
    const watched = createPostbus({ db: recording });
    received.length = 0;
    const client = await pool.connect();
    try {
      for (const n of [1, 2, 3]) {
        await client.query("BEGIN");
        await watched.publish("heard.commit", { n }, { tx: client });
        await watched.publish("heard.commit.too", { n }, { tx: client });
        await client.query("COMMIT");
        await next((payload) => payload.split(",").includes("heard.commit.too"));
        received.length = 0;
      }
      await client.query("BEGIN");
      await watched.publish("heard.rollback", {}, { tx: client });
      await client.query("ROLLBACK");
      await settle(150);
      expect(received).toEqual([]);
    } finally {
      client.release();
      await watched.close();
    }
    expect(texts.filter((text) => text.includes("pg_xact_status"))).toEqual([]);
    expect(texts.filter((text) => text.includes("pg_notify"))).toHaveLength(3);
  });

  it("a caller's connection lost inside its transaction: pg_xact_status decides (aborted: nobody is woken)", async () => {
    const texts: string[] = [];
    const base = fromPool(pool);
    const recording: Executor = {
      ...base,
      query: (text, values, options) => {
        texts.push(text);
        return base.query(text, values, options);
      },
    };
    const watched = createPostbus({ db: recording });
    received.length = 0;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    client.on("error", () => undefined);
    try {
      await client.query("BEGIN");
      await watched.publish("lost.connection", {}, { tx: client });
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      const deadline = Date.now() + 3_000;
      while (!texts.some((text) => text.includes("pg_xact_status")) && Date.now() < deadline)
        await settle(10);
      await settle(100);
    } finally {
      await client.end().catch(() => undefined);
      await watched.close();
    }
    expect(texts.some((text) => text.includes("pg_xact_status"))).toBe(true);
    expect(received).toEqual([]);
  });

  it("an executor that cannot watch its transaction's end is still woken for, via pg_xact_status", async () => {
    received.length = 0;
    const client = await pool.connect();
    try {
      const opaque: Executor = { inCallerTransaction: true, query: fromClient(client).query };
      await client.query("BEGIN");
      await bus.publish("opaque.commit", {}, { tx: opaque });
      await client.query("COMMIT");
      await next((payload) => payload === "opaque.commit");
    } finally {
      client.release();
    }
  });

  it("a rolled-back caller transaction wakes nobody", async () => {
    received.length = 0;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await bus.publish("order.voided", { orderId: "o-2" }, { tx: client });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    await settle(300);
    expect(received).toEqual([]);
  });

  it("withTransaction wakes readers after commit, and not when it rolls back", async () => {
    received.length = 0;
    await bus.withTransaction(async (tx) => {
      await tx.publish("fill.a", {});
      await tx.publish("fill.b", {});
    });
    const message = await next((payload) => payload.includes("fill."));
    expect(message.payload.split(",").sort()).toEqual(["fill.a", "fill.b"]);
    received.length = 0;
    await bus
      .withTransaction(async (tx) => {
        await tx.publish("fill.c", {});
        throw new Error("nope");
      })
      .catch(() => {});
    await settle(200);
    expect(received).toEqual([]);
  });

  it("coalesces: many concurrent publishes share few notifications, and every channel is named", async () => {
    received.length = 0;
    const channels = Array.from({ length: 20 }, (_, n) => `burst.${n}`);
    await Promise.all(Array.from({ length: 200 }, (_, n) => bus.publish(channels[n % 20]!, { n })));
    await settle(200);
    const named = new Set(received.flatMap((message) => message.payload.split(",")));
    expect([...named].sort()).toEqual([...channels].sort());
    expect(received.length).toBeLessThan(100);
  });

  it("wakeupIntervalMs: the first commit is announced at once, the ones within the interval share one later wake-up, and the last is never lost", async () => {
    const spaced = createPostbus({ db: pool, wakeupIntervalMs: 300 });
    try {
      received.length = 0;
      const started = Date.now();
      await spaced.publish("spaced.first", {});
      const first = await next((payload) => payload === "spaced.first");
      expect(first.at - started).toBeLessThan(250);
      for (let n = 0; n < 5; n++) await spaced.publish(`spaced.more.${n}`, {});
      const rest = await next((payload) => payload.includes("spaced.more.4"));
      // Not before the interval after the first one ended, and carrying every channel committed meanwhile.
      expect(rest.at - first.at).toBeGreaterThanOrEqual(250);
      const later = received.filter((message) => message.payload.startsWith("spaced.more"));
      expect(later).toHaveLength(1);
      expect(later[0]!.payload.split(",").sort()).toEqual([0, 1, 2, 3, 4].map((n) => `spaced.more.${n}`));
      // A commit long after the interval is again announced at once.
      await new Promise((resolve) => setTimeout(resolve, 350));
      const before = Date.now();
      await spaced.publish("spaced.late", {});
      expect((await next((payload) => payload === "spaced.late")).at - before).toBeLessThan(250);
    } finally {
      await spaced.close();
    }
  });

  it("closing sends the wake-up still waiting for the interval", async () => {
    const spaced = createPostbus({ db: pool, wakeupIntervalMs: 1_000 });
    received.length = 0;
    await spaced.publish("closing.first", {});
    await next((payload) => payload === "closing.first");
    await spaced.publish("closing.last", {});
    await spaced.close();
    await next((payload) => payload === "closing.last", 500);
  });

  it("refuses a wakeupIntervalMs that is not a whole number of ms from 0 to 1000", () => {
    for (const wakeupIntervalMs of [-1, 1.5, 1_001, Number.NaN]) {
      expect(() => createPostbus({ db: pool, wakeupIntervalMs })).toThrow(
        /wakeupIntervalMs must be an integer/,
      );
    }
  });

  it("a plain INSERT after a Postbus publish in the same transaction still wakes readers", async () => {
    received.length = 0;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await bus.publish("mixed.postbus", {}, { tx: client });
      await client.query(
        `INSERT INTO events (channel, data) VALUES ('mixed.plain', '{"event_type":"mixed.plain","data":{}}')`,
      );
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    await next((payload) => payload === "");
    await next((payload) => payload === "mixed.postbus");
  });

  it("a client built on one caller-owned connection notifies inside the statement, naming the channel", async () => {
    received.length = 0;
    const client = await pool.connect();
    const onConnection = createPostbus({ db: fromClient(client) });
    try {
      await onConnection.publish("single.connection", {});
      await next((payload) => payload === "single.connection");
    } finally {
      await onConnection.close();
      client.release();
    }
  });

  it('"in-transaction" mode notifies inside the transaction (not when it rolls back); "off" sends nothing', async () => {
    const exact = createPostbus({ db: pool, wakeups: "in-transaction" });
    const silent = createPostbus({ db: pool, wakeups: "off" });
    try {
      received.length = 0;
      await exact.publish("mode.exact", {});
      await next((payload) => payload === "mode.exact");
      await exact.publishMany([
        { type: "mode.many.a", data: {} },
        { type: "mode.many.b", data: {} },
      ]);
      await next((payload) => payload === "mode.many.a,mode.many.b");
      received.length = 0;
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await exact.publish("mode.rolled.back", {}, { tx: client });
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
      await settle(200);
      expect(received).toEqual([]);
      received.length = 0;
      await silent.publish("mode.silent", {});
      await settle(200);
      expect(received).toEqual([]);
    } finally {
      await exact.close();
      await silent.close();
    }
  });
});
