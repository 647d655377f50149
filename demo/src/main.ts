/**
 * The Postbus demo: slices of a small trading system talk through the events
 * table. Runs on DATABASE_URL when set, otherwise on an embedded PostgreSQL
 * under .postbus/demo-db that it starts and removes itself.
 *
 * The contracts are the JSON Schemas in schemas/, generated into @postbus/types by
 * `postbus generate` (`npm run demo` runs it first): every publish is checked at
 * compile time and validated at run time, on both sides.
 *
 * - the signals slice publishes `signal.triggered` (one with its business row, in one transaction);
 * - the setups slice consumes signals as the durable group "setups" and, in the same
 *   transaction as its cursor, stores a setup and publishes `setup.received`;
 * - the orders slice consumes setups as the group "orders", and asks the risk slice whether it
 *   may trade each one: a typed request `risk.check.requested`, answered by risk's responders with
 *   `risk.check.completed` (or the typed error reply `risk.check.rejected`) in risk's transaction;
 * - a service in another language writes a plain ADR row that everyone reads like any other.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import {
  createTypedPostbus,
  fromPool,
  isPostbusError,
  migrate,
  type StoredEvent,
  type TypedEvent,
} from "@postbus/client";
import { contracts, type SignalTriggered } from "@postbus/types";
import pg from "pg";
import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.js";
import { endPool } from "../../scripts/end-pool.js";

const log = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const dataDir = join(import.meta.dirname, "..", "..", ".postbus", "demo-db");
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir });
  log(
    embedded
      ? `▶ started an embedded PostgreSQL (data in ${dataDir}, removed on exit)`
      : "▶ using DATABASE_URL",
  );
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const pool = new pg.Pool({ connectionString: url, user: process.env.PGUSER || "postgres", max: 8 });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on("error", (error) => log(`▶ pool: idle connection lost (${error.message})`));
  try {
    await run(pool);
  } finally {
    // Every connection closed before the server stops: otherwise the server's shutdown reaches
    // connections still saying goodbye, and the handler above reports them as lost.
    await endPool(pool);
    await embedded?.stop();
  }
}

async function run(pool: pg.Pool): Promise<void> {
  const { applied } = await migrate(fromPool(pool));
  log(`▶ migrate: ${applied.length > 0 ? applied.join(", ") : "already up to date"}`);
  await pool.query(`CREATE TABLE IF NOT EXISTS demo_signals (id text PRIMARY KEY, symbol text NOT NULL);
    CREATE TABLE IF NOT EXISTS demo_setups (signal_event_id text PRIMARY KEY, symbol text NOT NULL, entry numeric NOT NULL);
    CREATE TABLE IF NOT EXISTS demo_risk_limits (symbol text PRIMARY KEY, max_quantity numeric NOT NULL);
    CREATE TABLE IF NOT EXISTS demo_risk_checks (check_id text PRIMARY KEY, symbol text NOT NULL, approved boolean NOT NULL);
    INSERT INTO demo_risk_limits VALUES ('BTC-USD', 0.2), ('ETH-USD', 5) ON CONFLICT DO NOTHING`);

  const signals = createTypedPostbus({ db: pool, contracts, producer: "signals" });
  const setups = createTypedPostbus({ db: pool, contracts, producer: "setups" });
  const orders = createTypedPostbus({ db: pool, contracts, producer: "orders" });
  const risk = createTypedPostbus({ db: pool, contracts, producer: "risk" });
  const ids = new Map<string, string>();

  // The setups slice: exactly-once database work — its row, its event and its cursor commit together.
  const setupsGroup = setups.subscribe({
    group: "setups",
    channels: ["signal.triggered"],
    handler: async (signal, { tx }) => {
      const { signalId, symbol, side, price } = signal.data; // typed: SignalTriggered
      await tx.query(
        "INSERT INTO demo_setups (signal_event_id, symbol, entry) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [signal.envelope.metadata.event_id, symbol, price],
      );
      const [low, high] = side === "buy" ? [price * 0.999, price] : [price, price * 1.001];
      await tx.publish(
        "setup.received",
        {
          setupId: randomUUID(),
          signalId,
          symbol,
          side,
          entry: { low: cents(low), high: cents(high) },
          stopLoss: cents(side === "buy" ? price * 0.98 : price * 1.02),
          takeProfit: [cents(side === "buy" ? price * 1.03 : price * 0.97)],
        },
        { causedBy: signal },
      );
      log(`  setups   ◀ ${describe(signal)}`);
    },
  });
  // The orders slice reads setups from any producer, including one written in plain SQL.
  const received: TypedEvent<typeof contracts, "setup.received">[] = [];
  const ordersGroup = orders.subscribe({
    group: "orders",
    channels: ["setup.received"],
    handler: (setup) => {
      received.push(setup);
      log(`  orders   ◀ ${describe(setup)} — entry ${setup.data.entry.low}…${setup.data.entry.high}`);
    },
  });
  // The risk slice answers typed requests; its reply commits with its own row and its cursor.
  const riskResponder = risk.respond({
    requestType: "risk.check.requested",
    handler: async (check, { tx, replyError }) => {
      const { checkId, symbol, quantity } = check.data; // typed: RiskCheckRequested
      const limit = await tx.query<{ max_quantity: string }>(
        "SELECT max_quantity FROM demo_risk_limits WHERE symbol = $1",
        [symbol],
      );
      const max = limit.rows[0] === undefined ? undefined : Number(limit.rows[0].max_quantity);
      if (max === undefined) {
        log(`  risk     ◀ check ${symbol} ${quantity}: no limit known, error reply`);
        return replyError({ checkId, code: "unknown-symbol", message: `${symbol} is not traded` });
      }
      const approvedQuantity = Math.min(quantity, max);
      await tx.query("INSERT INTO demo_risk_checks (check_id, symbol, approved) VALUES ($1, $2, true)", [
        checkId,
        symbol,
      ]);
      log(`  risk     ◀ check ${symbol} ${quantity}: approved ${approvedQuantity}`);
      return {
        checkId,
        approved: true,
        approvedQuantity,
        reasons: approvedQuantity < quantity ? [`Position limit for ${symbol} caps the size at ${max}`] : [],
      };
    },
  });
  await Promise.all([setupsGroup.ready, ordersGroup.ready, riskResponder.ready]);
  log("▶ the setups, orders and risk slices joined their consumer groups");

  const signal = (id: string, fields: Pick<SignalTriggered, "symbol" | "side" | "price" | "strategy">) => ({
    signalId: ids.get(id) ?? ids.set(id, randomUUID()).get(id)!,
    triggeredAt: new Date().toISOString(),
    ...fields,
  });
  const first = await signals.publish(
    "signal.triggered",
    signal("1", { symbol: "BTC-USD", side: "buy", price: 64210.5, strategy: "breakout-4h" }),
  );
  log(`  signals  ▶ ${describe(first)}`);

  // The transactional outbox: a business write and its event commit together…
  await signals.withTransaction(async (tx) => {
    await tx.query("INSERT INTO demo_signals (id, symbol) VALUES ($1, $2)", [
      `sig-${Date.now()}-2`,
      "ETH-USD",
    ]);
    const event = await tx.publish(
      "signal.triggered",
      signal("2", { symbol: "ETH-USD", side: "sell", price: 3120.25, strategy: "mean-revert-1h" }),
    );
    log(`  signals  ▶ ${describe(event)} (with its row, in one transaction)`);
  });

  // …or roll back together: this event is never seen by anyone.
  await signals
    .withTransaction(async (tx) => {
      await tx.publish(
        "signal.triggered",
        signal("x", { symbol: "DOGE-USD", side: "buy", price: 0.1, strategy: "yolo" }),
      );
      throw new Error("risk check failed");
    })
    .catch((error: Error) =>
      log(`  signals  ✗ a rolled-back transaction took its event with it (${error.message})`),
    );

  // A payload that breaks its contract never reaches the table (and would not compile without the cast).
  await signals
    .publish("signal.triggered", {
      ...signal("bad", { symbol: "BTC-USD", side: "buy", price: 1, strategy: "x" }),
      side: "hold",
    } as never)
    .catch((error: { code: string; reason: string }) => log(`  signals  ✗ ${error.code}: ${error.reason}`));

  // A service in another language writes the ADR's plain row; Postbus delivers it like any other.
  await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
    "setup.received",
    {
      event_type: "setup.received",
      timestamp: new Date().toISOString(),
      data: {
        setupId: randomUUID(),
        signalId: randomUUID(),
        symbol: "SOL-USD",
        side: "buy",
        entry: { low: 150.9, high: 151.2 },
        stopLoss: 148,
        takeProfit: [156],
      },
      metadata: { producer: "python-scanner" },
    },
  ]);
  log("  python   ▶ a plain ADR INSERT of setup.received");

  await until(() => received.length >= 3);

  // Request-response: orders asks risk about each setup and waits for the typed reply.
  for (const setup of received) {
    const { setupId, symbol, side, entry } = setup.data;
    const quantity = 0.25;
    try {
      const reply = await orders.request(
        "risk.check.requested",
        {
          checkId: randomUUID(),
          setupId,
          symbol,
          side,
          quantity,
          notional: { amount: (entry.high * quantity).toFixed(2), currency: "USD" },
        },
        { timeoutMs: 10_000, causedBy: setup },
      );
      log(
        `  orders   ▶◀ ${symbol}: approved ${reply.data.approvedQuantity} (${reply.data.reasons.join("; ") || "in limits"})`,
      );
    } catch (error) {
      if (orders.isErrorReply(error, "risk.check.requested")) {
        log(`  orders   ▶✗ ${symbol}: ${error.reply.data.code} — ${error.reply.data.message}`);
      } else if (isPostbusError(error, "POSTBUS_REQUEST_TIMEOUT")) {
        log(`  orders   ▶… ${symbol}: no answer (${error.reason})`);
      } else throw error;
    }
  }
  await Promise.all([setupsGroup.close(), ordersGroup.close(), riskResponder.close()]);

  log();
  log("getLatestEvents('setup.received', { limit: 3 }), newest first:");
  for (const event of await orders.getLatestEvents("setup.received", { limit: 3 }))
    log(`  ${describe(event)}`);

  const { rows } = await pool.query("SELECT count(*)::int AS n FROM demo_setups");
  log();
  log(
    `✔ demo finished: ${received.length} setups reached the orders slice; demo_setups holds ${rows[0].n} rows`,
  );
  await Promise.all([signals.close(), setups.close(), orders.close(), risk.close()]);
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

function describe(event: StoredEvent): string {
  const producer = event.envelope.metadata.producer ?? "?";
  return `#${event.id} ${event.type} from ${producer} @ ${event.position}: ${JSON.stringify(event.data)}`;
}

async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the slices did not exchange their events in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
