/**
 * `postbus check --database-url` on a big table: writes N `order.placed` events (default
 * 200,000; a tenth of them with a fractional quantity, a tenth by plain ADR INSERTs) into a
 * database of its own, then validates them against a contract that now wants an integer,
 * and prints the time, the events per second and the peak memory. Asserts the count.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm exec tsx bench/check-stored-log.ts [N]
 */
import { createPostbus, fromPool, migrate } from "@postbus/client";
import pg from "pg";
import { checkCompatibility } from "../codegen/src/compat/check-compatibility.js";
import { contractSide } from "../codegen/src/compat/contract-side.js";
import { checkStoredEvents } from "../codegen/src/compat/stored-log.js";
import type { ContractModel, EventContract } from "../codegen/src/ir/model.js";

const total = Number(process.argv[2] ?? 200_000);
const admin = process.env.DATABASE_URL;
if (!admin) throw new Error("set DATABASE_URL to a server this benchmark may create a database on");
const name = `postbus_bench_check_${process.pid}`;
const adminPool = new pg.Pool({ connectionString: admin, user: process.env.PGUSER || "postgres" });
await adminPool.query(`CREATE DATABASE ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const pool = new pg.Pool({ connectionString: url.href, user: process.env.PGUSER || "postgres", max: 4 });
try {
  await migrate(fromPool(pool));
  const bus = createPostbus({ db: pool, producer: "bench" });
  const batch = 5000;
  for (let start = 0; start < total; start += batch) {
    const postbusRows = Math.min(batch, total - start) * 0.9;
    await bus.publishMany(
      Array.from({ length: postbusRows }, (_, n) => ({
        type: "order.placed",
        data: { orderId: `o-${start + n}`, quantity: (start + n) % 9 === 0 ? 1.5 : 2 },
        channel: "orders",
      })),
    );
    await pool.query(
      `INSERT INTO events (channel, data) SELECT 'orders', jsonb_build_object('event_type', 'order.placed', 'timestamp', '2025-05-15T10:30:45Z', 'data', jsonb_build_object('orderId', 'adr-' || n, 'quantity', 3), 'metadata', '{}'::jsonb) FROM generate_series(1, $1::int) AS n`,
      [Math.min(batch, total - start) * 0.1],
    );
  }
  await pool.query("VACUUM ANALYZE events");
  const side = (quantity: Record<string, unknown>) => {
    const event: EventContract = {
      kind: "event",
      eventType: "order.placed",
      version: 1,
      channel: "orders",
      typeName: "OrderPlaced",
      domain: "orders",
      title: undefined,
      description: undefined,
      producers: [],
      consumers: [],
      owners: [],
      deprecated: false,
      examples: [],
      responseType: undefined,
      errorResponseType: undefined,
      compatibility: undefined,
      renamedFrom: [],
      schema: {
        type: "object",
        properties: { orderId: { type: "string" }, quantity },
        required: ["orderId", "quantity"],
      },
      source: { file: "schemas/orders/order.placed.json", pointer: "", line: 1, column: 1 },
    };
    const model: ContractModel = { kind: "model", events: [event], definitions: [] };
    return contractSide("bench", model, new Map());
  };
  const old = side({ type: "number" });
  const current = side({ type: "integer" });
  const report = checkCompatibility({ old, current, defaultMode: "BACKWARD" });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const stored = await checkStoredEvents(bus, old, current, report.events);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const result = stored.results[0];
  const expected = Array.from({ length: total }, (_, n) => n).length; // every row is order.placed
  console.log(
    `stored events: ${stored.read} read (${expected} written), ${result?.checked} checked, ${result?.rejected} rejected, in ${seconds.toFixed(2)} s (${Math.round(stored.read / seconds)} events/s); peak RSS ${Math.round(peak / 2 ** 20)} MiB, heap used after ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
  );
  await bus.close();
} finally {
  await pool.end();
  await adminPool.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await adminPool.end();
}
