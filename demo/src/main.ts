/**
 * The Postbus demo: slices of a small trading system talk through the events
 * table. Runs on DATABASE_URL when set, otherwise on an embedded PostgreSQL
 * under .postbus/demo-db that it starts and removes itself.
 *
 * - the signals slice publishes `signal.triggered` (one with its business row, in one transaction);
 * - the setups slice consumes signals as the durable group "setups" and, in the same
 *   transaction as its cursor, stores a setup and publishes `setup.received`;
 * - the orders slice consumes setups as the group "orders";
 * - a service in another language writes a plain ADR row that everyone reads like any other.
 */
import { join } from "node:path";
import { createPostbus, fromPool, migrate, type StoredEvent } from "@postbus/client";
import pg from "pg";
import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.js";

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
    await pool.end();
    await embedded?.stop();
  }
}

async function run(pool: pg.Pool): Promise<void> {
  const { applied } = await migrate(fromPool(pool));
  log(`▶ migrate: ${applied.length > 0 ? applied.join(", ") : "already up to date"}`);
  await pool.query(`CREATE TABLE IF NOT EXISTS demo_signals (id text PRIMARY KEY, symbol text NOT NULL);
    CREATE TABLE IF NOT EXISTS demo_setups (signal_event_id text PRIMARY KEY, symbol text NOT NULL, entry numeric NOT NULL)`);

  const signals = createPostbus({ db: pool, producer: "signals" });
  const setups = createPostbus({ db: pool, producer: "setups" });
  const orders = createPostbus({ db: pool, producer: "orders" });
  const runId = Date.now().toString(36);

  // The setups slice: exactly-once database work — its row, its event and its cursor commit together.
  const setupsReceived: StoredEvent[] = [];
  const setupsGroup = setups.subscribe({
    group: "setups",
    channels: ["signal.triggered"],
    handler: async (signal, { tx }) => {
      const { symbol, price } = signal.data as { symbol: string; price: number };
      await tx.query(
        "INSERT INTO demo_setups (signal_event_id, symbol, entry) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [signal.envelope.metadata.event_id, symbol, price],
      );
      await tx.publish(
        "setup.received",
        { setupId: `setup-${signal.id}`, symbol, entry: price },
        { causedBy: signal },
      );
      log(`  setups   ◀ ${describe(signal)}`);
    },
  });
  // The orders slice reads setups from any producer, including one written in plain SQL.
  const ordersGroup = orders.subscribe({
    group: "orders",
    channels: ["setup.received"],
    handler: (setup) => {
      setupsReceived.push(setup);
      log(`  orders   ◀ ${describe(setup)}`);
    },
  });
  await Promise.all([setupsGroup.ready, ordersGroup.ready]);
  log("▶ the setups and orders slices joined their consumer groups");

  const first = await signals.publish("signal.triggered", {
    signalId: `sig-${runId}-1`,
    symbol: "BTC-USD",
    side: "buy",
    price: 64210.5,
  });
  log(`  signals  ▶ ${describe(first)}`);

  // The transactional outbox: a business write and its event commit together…
  await signals.withTransaction(async (tx) => {
    await tx.query("INSERT INTO demo_signals (id, symbol) VALUES ($1, $2)", [`sig-${runId}-2`, "ETH-USD"]);
    const event = await tx.publish("signal.triggered", {
      signalId: `sig-${runId}-2`,
      symbol: "ETH-USD",
      side: "sell",
      price: 3120.25,
    });
    log(`  signals  ▶ ${describe(event)} (with its row, in one transaction)`);
  });

  // …or roll back together: this event is never seen by anyone.
  await signals
    .withTransaction(async (tx) => {
      await tx.publish("signal.triggered", {
        signalId: `sig-${runId}-x`,
        symbol: "DOGE-USD",
        side: "buy",
        price: 0.1,
      });
      throw new Error("risk check failed");
    })
    .catch((error: Error) =>
      log(`  signals  ✗ a rolled-back transaction took its event with it (${error.message})`),
    );

  // A service in another language writes the ADR's plain row; Postbus delivers it like any other.
  await pool.query("INSERT INTO events (channel, data) VALUES ($1, $2)", [
    "setup.received",
    {
      event_type: "setup.received",
      timestamp: new Date().toISOString(),
      data: { setupId: `py-${runId}`, symbol: "SOL-USD", entry: 151.2 },
      metadata: { producer: "python-scanner" },
    },
  ]);
  log("  python   ▶ a plain ADR INSERT of setup.received");

  await until(() => setupsReceived.length >= 3);
  await Promise.all([setupsGroup.close(), ordersGroup.close()]);

  log();
  log("getLatestEvents('setup.received', { limit: 3 }), newest first:");
  for (const event of await orders.getLatestEvents("setup.received", { limit: 3 }))
    log(`  ${describe(event)}`);

  const { rows } = await pool.query("SELECT count(*)::int AS n FROM demo_setups");
  log();
  log(
    `✔ demo finished: ${setupsReceived.length} setups reached the orders slice; demo_setups holds ${rows[0].n} rows`,
  );
  await Promise.all([signals.close(), setups.close(), orders.close()]);
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
