/**
 * The Postbus demo: two slices of a small trading system talk through the
 * events table. Runs on DATABASE_URL when set, otherwise on an embedded
 * PostgreSQL under .postbus/demo-db that it starts and removes itself.
 */
import { join } from "node:path";
import { createPostbus, fromPool, migrate, type StoredEvent } from "@postbus/client";
import pg from "pg";
import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.js";

const log = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const dataDir = join(import.meta.dirname, "..", "..", ".postbus", "demo-db");
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir });
  if (embedded) log(`▶ started an embedded PostgreSQL (data in ${dataDir}, removed on exit)`);
  else log("▶ using DATABASE_URL");
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const pool = new pg.Pool({ connectionString: url, user: process.env.PGUSER || "postgres", max: 4 });
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

  // The signals slice publishes; the setups slice reads.
  const signals = createPostbus({ db: pool, producer: "signals" });
  const setups = createPostbus({ db: pool, producer: "setups" });

  const triggered = await signals.publish("signal.triggered", {
    signalId: "sig-1042",
    symbol: "BTC-USD",
    side: "buy",
    price: 64210.5,
    strategy: "breakout-4h",
  });
  log(`▶ signals published ${triggered.type} #${triggered.id} at position ${triggered.position}`);

  // The transactional outbox: a business write and its event commit together…
  await signals.withTransaction(async (tx) => {
    await tx.query("CREATE TABLE IF NOT EXISTS demo_signals (id text PRIMARY KEY, symbol text NOT NULL)");
    await tx.query("INSERT INTO demo_signals (id, symbol) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      "sig-1043",
      "ETH-USD",
    ]);
    await tx.publish("signal.triggered", {
      signalId: "sig-1043",
      symbol: "ETH-USD",
      side: "sell",
      price: 3120.25,
      strategy: "mean-revert-1h",
    });
  });
  log("▶ signals published sig-1043 in the same transaction as its row");

  // …or roll back together: this event is never seen.
  await signals
    .withTransaction(async (tx) => {
      await tx.publish("signal.triggered", {
        signalId: "sig-9999",
        symbol: "DOGE-USD",
        side: "buy",
        price: 0.1,
        strategy: "oops",
      });
      throw new Error("risk check failed");
    })
    .catch((error: Error) => log(`▶ a rolled-back transaction took its event with it (${error.message})`));

  // A service in another language writes the ADR's plain row; Postbus reads it like any other.
  await pool.query(`INSERT INTO events (channel, data) VALUES ($1, $2)`, [
    "setup.received",
    {
      event_type: "setup.received",
      timestamp: new Date().toISOString(),
      data: { setupId: "setup-7", symbol: "BTC-USD", entry: 64000, stop: 63000 },
      metadata: { producer: "python-scanner" },
    },
  ]);
  log("▶ a plain ADR INSERT from another language wrote setup.received");

  log();
  log("setups slice — getLatestEvents('signal.triggered'), newest first:");
  for (const event of await setups.getLatestEvents("signal.triggered", { limit: 5 }))
    log(`  ${describe(event)}`);

  log();
  log("setups slice — readEvents(['signal.triggered', 'setup.received']) in delivery order, two per page:");
  let after: string | undefined;
  for (;;) {
    const page = await setups.readEvents(["signal.triggered", "setup.received"], {
      limit: 2,
      ...(after ? { after } : {}),
    });
    if (page.length === 0) break;
    for (const event of page) log(`  ${describe(event)}`);
    after = page.at(-1)!.position;
  }
  await signals.close();
  await setups.close();
  log();
  log("✔ demo finished");
}

function describe(event: StoredEvent): string {
  const producer = event.envelope.metadata.producer ?? "?";
  return `#${event.id} ${event.type} from ${producer} @ ${event.position}: ${JSON.stringify(event.data)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
