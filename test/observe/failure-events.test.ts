import {
  createPostbus,
  type EventDeadLettered,
  type EventFailed,
  type EventRedriven,
  type Executor,
  fromPool,
  type LogFields,
  migrate,
  type PostbusEventMap,
  type PostbusLogger,
  type StandardSchemaV1,
} from "@postbus/client";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { eventually } from "../support/eventually.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(async () => {
  pool = db.pool({ max: 10 });
  await migrate(fromPool(pool));
});

interface Record {
  level: keyof PostbusLogger;
  fields: LogFields;
  message: string;
}
function recordingLogger(): { logger: PostbusLogger; records: Record[] } {
  const records: Record[] = [];
  const at =
    (level: keyof PostbusLogger) =>
    (fields: LogFields, message: string): void =>
      void records.push({ level, fields, message });
  return { records, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

describe("failure events", () => {
  it("reports each failed attempt with its attempt number and retry time, then one dead letter, to the subscription and the client, and warns once", async () => {
    const { logger, records } = recordingLogger();
    const bus = createPostbus({ db: pool, logger });
    const onClient: Array<{ name: string; payload: unknown }> = [];
    const offFailed = bus.on("event:failed", (payload) => onClient.push({ name: "failed", payload }));
    bus.on("event:dead-lettered", (payload) => onClient.push({ name: "dead", payload }));
    const event = await bus.publish("fe.boom", { n: 1 });
    await bus.publish("fe.boom", { n: 2 });
    await deliverable(pool);
    const failed: EventFailed[] = [];
    const dead: EventDeadLettered[] = [];
    const handled: number[] = [];
    const subscription = bus.subscribe({
      group: "fe-boom",
      channels: ["fe.boom"],
      maxAttempts: 3,
      retryDelayMs: () => 50,
      pollIntervalMs: 50,
      handler: (stored) => {
        if ((stored.data as { n: number }).n === 1) throw new Error("card declined");
        handled.push(stored.id);
      },
    });
    subscription.on("event:failed", (payload) => failed.push(payload));
    subscription.on("event:dead-lettered", (payload) => dead.push(payload));
    try {
      await eventually(
        async () => handled.length,
        (n) => n === 1,
        10_000,
      );
      expect(failed.map((f) => f.attempt)).toEqual([1, 2]);
      for (const f of failed) {
        expect(f).toMatchObject({
          group: "fe-boom",
          eventType: "fe.boom",
          position: event.position,
          maxAttempts: 3,
          error: "Error: card declined",
        });
        expect(f.event.id).toBe(event.id);
        expect(f.cause).toBeInstanceOf(Error);
        expect(f.retryAt.getTime()).toBeGreaterThan(Date.now() - 5_000);
        expect(f.retryAt.getTime()).toBeLessThan(Date.now() + 5_000);
      }
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        group: "fe-boom",
        eventType: "fe.boom",
        position: event.position,
        attempts: 3,
        error: "Error: card declined",
        redrive: false,
      });
      // The client hears the subscription's events too, and stops when told to.
      expect(onClient.map((e) => e.name)).toEqual(["failed", "failed", "dead"]);
      const warnings = records.filter((r) => r.level === "warn");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.fields).toMatchObject({
        group: "fe-boom",
        eventType: "fe.boom",
        position: event.position,
        attempts: 3,
        error: "Error: card declined",
      });
      expect(warnings[0]!.message).toContain(`dead-lettered fe.boom at ${event.position} after 3 attempts`);
      offFailed();
    } finally {
      await subscription.close();
      await bus.close();
    }
  });

  it("a listener that throws is logged and does not stop delivery or the other listeners", async () => {
    const { logger, records } = recordingLogger();
    const bus = createPostbus({ db: pool, logger });
    await bus.publish("fe.throwing", { n: 1 });
    await deliverable(pool);
    const seen: string[] = [];
    bus.on("event:failed", () => {
      throw new Error("listener bug");
    });
    bus.on("event:failed", (payload) => seen.push(payload.position));
    let calls = 0;
    try {
      const stats = await bus.drain({
        group: "fe-throwing",
        channels: "fe.throwing",
        retryDelayMs: () => 1,
        handler: () => {
          calls += 1;
          if (calls === 1) throw new Error("once");
        },
      });
      expect(stats).toMatchObject({ handled: 1, failedAttempts: 1, deadLettered: 0 });
      expect(seen).toHaveLength(1);
      expect(records.filter((r) => r.level === "error").map((r) => r.message)).toEqual([
        'a listener of "event:failed" threw',
      ]);
    } finally {
      await bus.close();
    }
  });

  it("reports a redriven dead letter, and a redrive that fails again as a dead letter with redrive: true", async () => {
    const { logger } = recordingLogger();
    const bus = createPostbus({ db: pool, logger });
    const first = await bus.publish("fe.redrive", { n: 1 });
    const second = await bus.publish("fe.redrive", { n: 2 });
    await deliverable(pool);
    const options = {
      group: "fe-redrive",
      channels: "fe.redrive",
      maxAttempts: 1,
      handler: () => {
        throw new Error("down");
      },
    };
    try {
      expect(await bus.drain(options)).toMatchObject({ deadLettered: 2 });
      await bus.requestRedrive("fe-redrive");
      const redriven: EventRedriven[] = [];
      const dead: EventDeadLettered[] = [];
      bus.on("event:redriven", (payload) => redriven.push(payload));
      bus.on("event:dead-lettered", (payload) => dead.push(payload));
      await bus.drain({
        ...options,
        handler: (event) => {
          if (event.id === second.id) throw new Error("still down");
        },
      });
      expect(redriven.map((r) => [r.position, r.group])).toEqual([[first.position, "fe-redrive"]]);
      expect(redriven[0]!.deadLetterId).toMatch(/^\d+$/);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ position: second.position, redrive: true, attempts: 2 });
      expect(dead[0]!.error).toBe("Error: still down");
    } finally {
      await bus.close();
    }
  });

  it("a stored event that fails its contract is dead-lettered with an error that says it is in the table, not 'nothing was written'", async () => {
    const { logger } = recordingLogger();
    const strict: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) =>
          typeof (value as { amount?: unknown })?.amount === "number"
            ? { value }
            : { issues: [{ message: "amount is required", path: ["amount"] }] },
      },
    };
    // An old event, written before the contract (and by a program that knew no contract).
    await pool.query(
      `INSERT INTO events (channel, data) VALUES ('fe.contract', '{"event_type":"fe.contract","data":{"bogus":1},"metadata":{}}')`,
    );
    await deliverable(pool);
    const bus = createPostbus({ db: pool, logger, validators: { "fe.contract": strict } });
    try {
      const stats = await bus.drain({
        group: "fe-contract",
        channels: "fe.contract",
        maxAttempts: 1,
        handler: () => {},
      });
      expect(stats.deadLettered).toBe(1);
      const [letter] = await bus.listDeadLetters({ group: "fe-contract" });
      expect(letter!.error).toMatch(
        /^PostbusInputError \[POSTBUS_VALIDATION_FAILED\]: Stored event \d+:\d+ \(channel "fe.contract"\) fails its contract: payload of "fe.contract" does not match its contract \(\/data\/amount: amount is required\)/,
      );
      expect(letter!.error).toContain("the event stays in the table as written");
      expect(letter!.error).not.toContain("nothing was written");
    } finally {
      await bus.close();
    }
  });

  it("reports listener:lost once per loss and listener:regained when LISTEN works again, however many subscriptions share it", async () => {
    const { logger } = recordingLogger();
    const bus = createPostbus({
      db: pool,
      logger,
      listen: { reconnectDelayMs: 10, heartbeatIntervalMs: 200 },
    });
    const seen: Array<keyof PostbusEventMap> = [];
    bus.on("listener:lost", () => void seen.push("listener:lost"));
    bus.on("listener:regained", (payload) => {
      expect(payload.downMs).toBeGreaterThanOrEqual(0);
      seen.push("listener:regained");
    });
    const subs = [1, 2, 3].map((n) =>
      bus.subscribe({ group: `fe-listen-${n}`, channels: "fe.listen", handler: () => {} }),
    );
    try {
      await Promise.all(subs.map((s) => s.ready));
      const listeningPid = async () =>
        (
          await pool.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
          )
        ).rows[0]?.pid;
      const pid = await eventually(listeningPid, (found) => found !== undefined, 10_000);
      await pool.query("SELECT pg_terminate_backend($1)", [pid]);
      await eventually(
        async () => seen.length,
        (n) => n >= 2,
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual(["listener:lost", "listener:regained"]);
    } finally {
      await Promise.all(subs.map((s) => s.close()));
      await bus.close();
    }
  });

  it("reports pooler:detected once when LISTEN is accepted but no notification is ever delivered (a transaction-mode pooler)", async () => {
    const { logger } = recordingLogger();
    const executor = fromPool(pool);
    // Fault injection on a real connection: it LISTENs, but notifications are dropped, as behind
    // PgBouncer in transaction mode.
    const deaf: Executor = {
      ...executor,
      async openListenConnection() {
        const connection = await executor.openListenConnection!();
        return {
          query: (text, values) => connection.query(text, values),
          onNotification: () => {},
          onLost: (callback) => connection.onLost(callback),
          close: () => connection.close(),
          get processId() {
            return connection.processId;
          },
        };
      },
    };
    const bus = createPostbus({ db: deaf, logger, listen: { probeTimeoutMs: 100, onWarning: () => {} } });
    const reasons: string[] = [];
    bus.on("pooler:detected", (payload) => void reasons.push(payload.reason));
    const subs = [1, 2].map((n) =>
      bus.subscribe({ group: `fe-pooler-${n}`, channels: "fe.pooler", handler: () => {} }),
    );
    try {
      await Promise.all(subs.map((s) => s.ready));
      await eventually(
        async () => reasons.length,
        (n) => n > 0,
        5_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/transaction-mode pooler/);
    } finally {
      await Promise.all(subs.map((s) => s.close()));
      await bus.close();
    }
  });

  it("refuses an unknown event name and a listener that is not a function, naming what to pass", () => {
    const bus = createPostbus({ db: pool });
    try {
      expect(() => bus.on("job:failed" as never, () => {})).toThrow(
        /Unknown Postbus event "job:failed"\. Listen to one of: event:failed/,
      );
      expect(() => bus.on("event:failed", "nope" as never)).toThrow(/must be a function/);
    } finally {
      void bus.close();
    }
  });
});
