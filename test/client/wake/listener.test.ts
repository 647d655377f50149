import { createHook } from "node:async_hooks";
import { type Executor, fromClient, fromPool, isPostbusError } from "@postbus/client";
import type pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
// Not yet exported from @postbus/client's index: imported from source.
import type { ListenConnection } from "../../../packages/client/src/driver/executor.js";
import {
  createWakeListener,
  sharedListener,
  type WakeListener,
  type WakeListenerOptions,
} from "../../../packages/client/src/wake/listener.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let executor: Executor;

beforeAll(() => {
  pool = db.pool();
  executor = fromPool(pool);
});
afterEach(async () => {
  // Every test closes what it opened; the harness would only notice at the end of the file.
  await waitFor("no listener connection left", async () => (await listenerBackends()).length === 0, 1_000);
});

/** What a subscriber saw. */
function recorder() {
  const seen = { wakes: [] as string[], reconnects: 0 };
  return {
    seen,
    subscriber: {
      onWake: (payload: string) => void seen.wakes.push(payload),
      onReconnect: () => {
        seen.reconnects += 1;
      },
    },
  };
}

/** Options that collect errors and warnings instead of printing them. */
function collecting(extra: WakeListenerOptions = {}) {
  const errors: unknown[] = [];
  const warnings: string[] = [];
  const options: WakeListenerOptions = {
    onError: (error) => void errors.push(error),
    onWarning: (message) => void warnings.push(message),
    ...extra,
  };
  return { errors, warnings, options };
}

async function listenerBackends(): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'postbus-listener' ORDER BY pid`,
  );
  return rows.map((row) => row.pid);
}

async function backendExists(pid: number): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
  return rows.length > 0;
}

async function notify(channel: string, payload: string): Promise<void> {
  await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const listening = (listener: WakeListener) => listener.state === "listening";

describe("the process-wide wake listener", () => {
  it("serves two subscriptions (two handles, two channels) over ONE backend connection", async () => {
    const a = sharedListener(executor);
    const b = sharedListener(executor);
    try {
      const first = recorder();
      const second = recorder();
      a.subscribe("postbus.share_a", first.subscriber);
      b.subscribe("postbus.share_b", second.subscriber);
      await waitFor("listening", () => listening(a));
      expect(a.processId).toBeDefined();
      expect(b.processId).toBe(a.processId);
      expect(await listenerBackends()).toEqual([a.processId]);

      await a.close(); // b still holds the shared connection
      expect(a.state).toBe("closed");
      await notify("postbus.share_b", "still.here");
      await waitFor("b's wake-up", () => second.seen.wakes.includes("still.here"));
      expect(await listenerBackends()).toEqual([b.processId]);
    } finally {
      await a.close();
      await b.close();
    }
    await waitFor(
      "the last handle to close the connection",
      async () => (await listenerBackends()).length === 0,
    );
    const fresh = sharedListener(executor); // the closed listener is not handed out again
    expect(fresh.state).toBe("connecting");
    await fresh.close();
  });

  it("delivers a notification to its channel's subscribers only, and no probe ever reaches them", async () => {
    const { options, errors } = collecting();
    const listener = createWakeListener(executor, options);
    try {
      const orders = recorder();
      const alsoOrders = recorder();
      const other = recorder();
      listener.subscribe("postbus.orders", orders.subscriber);
      listener.subscribe("postbus.orders", alsoOrders.subscriber);
      listener.subscribe("postbus.other", other.subscriber);
      await waitFor("listening (the listener's own probe came back)", () => listening(listener));

      await notify("postbus.orders", "order.placed,order.paid");
      await notify("postbus.other", "");
      await notify("postbus.orders", "postbus-probe:from-another-process");
      await notify("postbus.orders", "sentinel");
      await waitFor("the sentinel", () => orders.seen.wakes.includes("sentinel"));
      await waitFor("the other channel", () => other.seen.wakes.length === 1);

      expect(orders.seen.wakes).toEqual(["order.placed,order.paid", "sentinel"]);
      expect(alsoOrders.seen.wakes).toEqual(["order.placed,order.paid", "sentinel"]);
      expect(other.seen.wakes).toEqual([""]);
      // Each was told once to catch up, when its channel's LISTEN took effect.
      expect([orders.seen.reconnects, other.seen.reconnects]).toEqual([1, 1]);
      expect(errors).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  it("quotes the channel as an identifier: a name with a double quote listens on exactly that name", async () => {
    const listener = createWakeListener(executor, collecting().options);
    try {
      const odd = recorder();
      listener.subscribe('postbus.we"ird; SELECT 1', odd.subscriber);
      await waitFor("listening", () => listening(listener));
      await notify('postbus.we"ird; SELECT 1', "x");
      await waitFor("the wake-up", () => odd.seen.wakes.length === 1);
      expect(odd.seen.wakes).toEqual(["x"]);
    } finally {
      await listener.close();
    }
  });

  it("UNLISTENs when a channel's last subscriber leaves, and not before", async () => {
    const listener = createWakeListener(executor, collecting().options);
    try {
      const first = recorder();
      const second = recorder();
      const leaveFirst = listener.subscribe("postbus.leave", first.subscriber);
      const leaveSecond = listener.subscribe("postbus.leave", second.subscriber);
      await waitFor("listening", () => listening(listener));
      await leaveFirst();
      await notify("postbus.leave", "one");
      await waitFor("the remaining subscriber's wake-up", () => second.seen.wakes.length === 1);
      expect(first.seen.wakes).toEqual([]);
      await leaveSecond();
      await leaveSecond(); // idempotent
      const { rows } = await pool.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE pid = $1",
        [listener.processId],
      );
      expect(rows[0]?.query).toBe('UNLISTEN "postbus.leave"');
    } finally {
      await listener.close();
    }
  });

  it("survives pg_terminate_backend of its backend five times: reconnects, re-LISTENs, subscribers catch up", async () => {
    const { options, errors, warnings } = collecting({ reconnectDelayMs: 20, heartbeatIntervalMs: 100 });
    const listener = createWakeListener(executor, options);
    try {
      const sub = recorder();
      listener.subscribe("postbus.terminate", sub.subscriber);
      await waitFor("listening", () => listening(listener));
      for (let round = 1; round <= 5; round++) {
        const killed = listener.processId!;
        const reconnectsBefore = sub.seen.reconnects;
        await pool.query("SELECT pg_terminate_backend($1)", [killed]);
        await waitFor(`reconnect #${round}`, () => sub.seen.reconnects === reconnectsBefore + 1);
        await waitFor(`listening again #${round}`, () => listening(listener));
        expect(listener.processId).not.toBe(killed);
        await notify("postbus.terminate", `round.${round}`);
        await waitFor(`round ${round}'s wake-up`, () => sub.seen.wakes.includes(`round.${round}`));
      }
      expect(sub.seen.reconnects).toBe(6); // the first LISTEN, then one per reconnect
      expect(errors.length).toBeGreaterThanOrEqual(5); // each loss was reported, never thrown
      expect(warnings).toEqual([]);
      expect(await listenerBackends()).toEqual([listener.processId]);
    } finally {
      await listener.close();
    }
  });

  it("declares a frozen (SIGSTOPped, half-open) backend dead within heartbeat interval + timeout and listens on a new one", async () => {
    const heartbeatIntervalMs = 200;
    const heartbeatTimeoutMs = 200;
    const { options, errors } = collecting({ heartbeatIntervalMs, heartbeatTimeoutMs });
    const listener = createWakeListener(executor, options);
    let frozen: number | undefined;
    try {
      const sub = recorder();
      listener.subscribe("postbus.frozen", sub.subscriber);
      await waitFor("listening", () => listening(listener));
      await sleep(heartbeatIntervalMs + 50); // one healthy heartbeat first
      frozen = listener.processId!;
      const stoppedAt = Date.now();
      process.kill(frozen, "SIGSTOP");
      await waitFor(
        "a new listening connection",
        () => listening(listener) && listener.processId !== undefined && listener.processId !== frozen,
      );
      const recoveredAfter = Date.now() - stoppedAt;
      const heartbeatError = errors.find((error) => isPostbusError(error) && /heartbeat/.test(error.message));
      expect(heartbeatError, "the heartbeat reported the dead connection").toBeDefined();
      // Detection ≤ interval + timeout; then a backoff of < 50 ms, a connect, LISTEN and the probe.
      expect(recoveredAfter).toBeLessThan(heartbeatIntervalMs + heartbeatTimeoutMs + 400);
      await notify("postbus.frozen", "thawed");
      await waitFor("a wake-up on the new connection", () => sub.seen.wakes.includes("thawed"));
      expect(sub.seen.reconnects).toBe(2);
    } finally {
      if (frozen !== undefined) process.kill(frozen, "SIGCONT");
      await listener.close();
    }
    // The old backend, thawed, finds its socket closed; make sure it is gone either way.
    await pool.query("SELECT pg_terminate_backend($1)", [frozen]);
    await waitFor("the frozen backend to exit", async () => !(await backendExists(frozen!)));
  });

  it("warns exactly once and goes polling-only when LISTEN is accepted but nothing is ever delivered (transaction-mode pooler)", async () => {
    const { options, warnings, errors } = collecting({ probeTimeoutMs: 300 });
    // Fault injection on a real connection: it LISTENs, but notifications are dropped.
    const deaf: Executor = {
      ...executor,
      async openListenConnection() {
        return dropNotifications(await executor.openListenConnection!());
      },
    };
    const listener = createWakeListener(deaf, options);
    try {
      const sub = recorder();
      listener.subscribe("postbus.deaf_a", sub.subscriber);
      // Three test NOTIFYs, waiting 300 + 600 + 1200 ms.
      await waitFor("polling-only", () => listener.state === "polling-only", 6_000);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/received none of them within 2100 ms/);
      expect(warnings[0]).toMatch(/transaction-mode pooler/);
      expect(warnings[0]).toMatch(/session-mode pooler/);
      await waitFor("the useless connection to close", async () => (await listenerBackends()).length === 0);

      // Subscribing keeps working (subscribers poll); nothing reconnects, nothing warns again.
      const unsubscribe = listener.subscribe("postbus.deaf_b", recorder().subscriber);
      await sleep(400);
      await unsubscribe();
      expect(listener.state).toBe("polling-only");
      expect(warnings).toHaveLength(1);
      expect(errors).toEqual([]);
      expect(await listenerBackends()).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  it("a late self-test NOTIFY does not disable LISTEN: it still counts, nothing is blamed on a pooler, wake-ups flow", async () => {
    const { options, warnings } = collecting({ probeTimeoutMs: 200 });
    let delayed = 0;
    // The first self-test NOTIFY commits 400 ms late (a busy server): it arrives after its deadline.
    const slow: Executor = {
      ...executor,
      async query(text, values, queryOptions) {
        if (!text.includes("pg_notify") || delayed > 0) return executor.query(text, values, queryOptions);
        delayed += 1;
        const client = await pool.connect();
        await client.query("BEGIN");
        await client.query(text, values as unknown[]);
        setTimeout(() => {
          void client.query("COMMIT").finally(() => client.release());
        }, 400);
        return { rows: [], rowCount: 1 };
      },
    };
    const listener = createWakeListener(slow, options);
    try {
      const sub = recorder();
      listener.subscribe("postbus.late_probe", sub.subscriber);
      await waitFor("listening", () => listening(listener), 5_000);
      expect(delayed).toBe(1);
      expect(warnings).toEqual([]);
      await notify("postbus.late_probe", "after.late.probe");
      await waitFor("a wake-up", () => sub.seen.wakes.includes("after.late.probe"));
      expect(listener.state).toBe("listening");
    } finally {
      await listener.close();
    }
  });

  it("polling-only after unanswered self-tests is not for good: it tests again and listens once notifications flow", async () => {
    const { options, warnings } = collecting({ probeTimeoutMs: 50, probeRetryDelayMs: 300 });
    let deafNow = true;
    const sometimesDeaf: Executor = {
      ...executor,
      async openListenConnection() {
        const connection = await executor.openListenConnection!();
        return deafNow ? dropNotifications(connection) : connection;
      },
    };
    const listener = createWakeListener(sometimesDeaf, options);
    try {
      const sub = recorder();
      listener.subscribe("postbus.heals", sub.subscriber);
      await waitFor("polling-only", () => listener.state === "polling-only", 3_000);
      expect(warnings).toHaveLength(1);
      deafNow = false;
      await waitFor("listening again", () => listening(listener), 5_000);
      await notify("postbus.heals", "healed");
      await waitFor("a wake-up", () => sub.seen.wakes.includes("healed"));
      expect(warnings).toHaveLength(1); // warned once, not at every test
    } finally {
      await listener.close();
    }
  });

  it("re-LISTENs promptly after each of repeated losses, even when they come faster than heartbeats", async () => {
    // Heartbeats every 60 s: none completes during the test, so none can reset the backoff.
    const { options } = collecting({ heartbeatIntervalMs: 60_000 });
    const listener = createWakeListener(executor, options);
    try {
      listener.subscribe("postbus.repeated", recorder().subscriber);
      await waitFor("listening", () => listening(listener));
      const delays: number[] = [];
      for (let round = 1; round <= 8; round++) {
        await sleep(1_050); // each link lives a little over a second
        const killed = listener.processId!;
        const at = Date.now();
        await pool.query("SELECT pg_terminate_backend($1)", [killed]);
        await waitFor(
          `listening again #${round}`,
          () => listening(listener) && listener.processId !== killed,
          10_000,
        );
        delays.push(Date.now() - at);
      }
      // The old rule (reset only by a healthy heartbeat) let the ceiling double to 5 s by the 7th loss.
      expect(Math.max(...delays), `re-LISTEN delays ${delays.join(", ")} ms`).toBeLessThan(1_000);
    } finally {
      await listener.close();
    }
  }, 30_000);

  it("is polling-only with one warning when the executor cannot open a LISTEN connection (fromClient)", async () => {
    const { options, warnings } = collecting();
    const listener = createWakeListener(fromClient(pool, { inTransaction: false }), options);
    try {
      expect(listener.state).toBe("polling-only");
      const unsubscribe = listener.subscribe("postbus.client", recorder().subscriber);
      await unsubscribe();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/pg\.Pool/);
    } finally {
      await listener.close();
    }
  });

  it("close() leaves no connection and no pending timer behind", async () => {
    const pending = new Map<number, string>();
    const hook = createHook({
      init(id, type) {
        if (type !== "Timeout") return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 50;
        const stack = new Error().stack ?? "";
        Error.stackTraceLimit = limit;
        // The pool's own idle timer (set when a probe's client goes back to it) is the pool's, not the listener's.
        if (/wake[/\\]listener\.ts|listen-connection\.ts/.test(stack) && !/BoundPool\._release/.test(stack))
          pending.set(id, stack);
      },
      destroy(id) {
        pending.delete(id);
      },
    }).enable();
    try {
      const listener = createWakeListener(executor, {
        ...collecting().options,
        heartbeatIntervalMs: 150,
        heartbeatTimeoutMs: 60_000, // a deadline timer left behind would still be pending at the end
      });
      listener.subscribe("postbus.timers", recorder().subscriber);
      await waitFor("listening", () => listening(listener));
      await sleep(400); // two heartbeats
      expect(pending.size).toBeGreaterThan(0); // the hook does see the listener's timers
      await listener.close();
      await sleep(20); // destroy hooks are emitted asynchronously
      expect([...pending.values()]).toEqual([]);
      expect(listener.state).toBe("closed");
      expect(listener.processId).toBeUndefined();
      expect(() => listener.subscribe("postbus.timers", recorder().subscriber)).toThrow(/closed/);
      // close() waited for the socket to close; the server needs a moment to remove the backend.
      await waitFor("the backend to exit", async () => (await listenerBackends()).length === 0, 1_000);
    } finally {
      hook.disable();
    }
  });

  it("destroys a connection borrowed from a pool without Client/options instead of returning its LISTENs to the pool", async () => {
    const plain = db.pool({ max: 2, application_name: "listener-fallback" });
    const poolLike = {
      query: (text: string, values?: unknown[]) => plain.query(text, values),
      connect: () => plain.connect(),
      end: () => plain.end(),
      get totalCount() {
        return plain.totalCount;
      },
    };
    const listener = createWakeListener(fromPool(poolLike), collecting().options);
    let borrowed: number | undefined;
    try {
      const sub = recorder();
      listener.subscribe("postbus.borrowed", sub.subscriber);
      await waitFor("listening", () => listening(listener));
      borrowed = listener.processId!;
      await notify("postbus.borrowed", "hello");
      await waitFor("the wake-up", () => sub.seen.wakes.includes("hello"));
    } finally {
      await listener.close();
    }
    await waitFor("the borrowed backend to exit", async () => !(await backendExists(borrowed!)));
    const { rows } = await plain.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_listening_channels()",
    );
    expect(rows[0]?.n).toBe(0);
    await plain.end();
  });

  it("rejects bad options and channel names up front", () => {
    expect(() => createWakeListener(executor, { heartbeatIntervalMs: 0 })).toThrow(
      expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID" }),
    );
    const listener = createWakeListener(fromClient(pool), collecting().options);
    expect(() => listener.subscribe("", recorder().subscriber)).toThrow(
      expect.objectContaining({ code: "POSTBUS_NAME_INVALID" }),
    );
    expect(() => listener.subscribe(`postbus.${"x".repeat(60)}`, recorder().subscriber)).toThrow(
      expect.objectContaining({ code: "POSTBUS_NAME_TOO_LONG" }),
    );
    return listener.close();
  });
});

/** A real connection whose notifications never arrive: what a transaction-mode pooler does. */
function dropNotifications(connection: ListenConnection): ListenConnection {
  return {
    query: (text, values) => connection.query(text, values),
    onNotification: () => {},
    onLost: (callback) => connection.onLost(callback),
    close: () => connection.close(),
    get processId() {
      return connection.processId;
    },
  };
}
