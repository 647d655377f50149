import { createPostbus, fromPool, migrate, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, logger: { debug() {}, info() {}, warn() {}, error() {} } });
});
afterAll(() => bus.close());

/** Parses the exposition format strictly enough to catch a malformed line. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match =
      /^([a-z_]+)\{((?:[a-z_]+="(?:[^"\\\n]|\\["\\n])*",?)*)\} (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(`${match[1]}{${match[2]}}`, Number(match[3]));
  }
  return samples;
}

describe("postbus status --format prometheus", () => {
  it("prints gauges for lag, dead letters and channels", async () => {
    await bus.publishMany([1, 2, 3].map((n) => ({ type: "pm.orders", data: { n } })));
    await deliverable(pool);
    await bus.drain({
      group: "pm-orders",
      channels: "pm.orders",
      maxAttempts: 1,
      handler: (event) => {
        if ((event.data as { n: number }).n === 2) throw new Error("no");
      },
    });
    await bus.drain({
      group: "pm-idle",
      channels: "pm.orders",
      batchSize: 1,
      handler: () => {},
      eventTypes: ["nothing.else"],
    });
    await bus.publish("pm.orders", { n: 4 });
    const out: string[] = [];
    const status = await runCli(["status", "--format", "prometheus", "--database-url", db.url], {
      out: (line) => out.push(line),
      err: () => {},
    });
    expect(status).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("# TYPE postbus_group_lag_events gauge");
    const samples = parse(text);
    expect(samples.get('postbus_dead_letters{schema="public",group="pm-orders",status="dead"}')).toBe(1);
    expect(
      samples.get('postbus_group_lag_events{schema="public",group="pm-orders",channel="pm.orders"}'),
    ).toBe(1);
    expect(samples.get('postbus_group_lag_events{schema="public",group="pm-idle",channel="pm.orders"}')).toBe(
      1,
    );
    expect(samples.get('postbus_channel_events{schema="public",channel="pm.orders"}')).toBe(4);
    expect(samples.get('postbus_table_events{schema="public"}')).toBe(4);
  });
});
