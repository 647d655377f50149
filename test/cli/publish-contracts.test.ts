import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fromPool, migrate } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

// Run from the repository root: the repository's postbus.config.json and schemas/ are found upward.
const db = useTestDatabase();
let pool: pg.Pool;
let elsewhere: string;
const orderExample = JSON.parse(
  await readFile(new URL("../../schemas/orders/order.placed.v2.json", import.meta.url), "utf8"),
).examples[0];

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli([...argv, "--database-url", db.url], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { status, out, err };
}
const count = async () => Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);

beforeAll(async () => {
  pool = db.pool({ max: 2 });
  await migrate(fromPool(pool));
  // A project of its own, for --config: one contract, widget.made { size: integer }.
  elsewhere = await mkdtemp(path.join(os.tmpdir(), "postbus-cli-contracts-"));
  await mkdir(path.join(elsewhere, "schemas", "widgets"), { recursive: true });
  await writeFile(path.join(elsewhere, "postbus.config.json"), JSON.stringify({ schemas: "schemas" }));
  await writeFile(
    path.join(elsewhere, "schemas", "widgets", "widget.made.json"),
    JSON.stringify({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Widget made",
      type: "object",
      required: ["size"],
      properties: { size: { type: "integer" } },
      additionalProperties: false,
      "x-postbus": { eventType: "widget.made", version: 1, channel: "widgets", domain: "widgets" },
    }),
  );
});
afterAll(async () => {
  await rm(elsewhere, { recursive: true, force: true });
});

describe("postbus publish and request against the contracts", () => {
  it("refuses a payload that fails its contract, naming the field, and writes nothing", async () => {
    const before = await count();
    const result = await cli("publish", "order.placed", '{"bogus":1}');
    expect(result.status).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(
      /^postbus: POSTBUS_VALIDATION_FAILED: Payload of "order.placed" does not match its contract \(\/data: must have required property 'orderId'/,
    );
    expect(await count()).toBe(before);
  });

  it("publishes a payload its contract accepts, on the contract's channel", async () => {
    const result = await cli("publish", "order.placed", JSON.stringify(orderExample));
    expect(result.status).toBe(0);
    const stored = JSON.parse(result.out[0]!);
    expect(stored.channel).toBe("orders");
    expect(stored.data.data).toEqual(orderExample);
  });

  it("refuses an event type without a contract unless --allow-unknown, writing nothing", async () => {
    const before = await count();
    const refused = await cli("publish", "order.placd", "{}");
    expect(refused.status).toBe(1);
    expect(refused.err[0]).toMatch(
      /^postbus: POSTBUS_UNKNOWN_EVENT_TYPE: No contract for event type "order.placd"/,
    );
    expect(await count()).toBe(before);
    const allowed = await cli("publish", "order.placd", "{}", "--allow-unknown");
    expect(allowed.status).toBe(0);
    expect(await count()).toBe(before + 1);
  });

  it("--no-validate writes what it is given", async () => {
    const result = await cli("publish", "order.placed", '{"bogus":1}', "--no-validate");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.out[0]!).data.data).toEqual({ bogus: 1 });
  });

  it("--config checks against that project's contracts, wherever the command runs", async () => {
    const config = path.join(elsewhere, "postbus.config.json");
    const bad = await cli("publish", "widget.made", '{"size":"big"}', "--config", config);
    expect(bad.status).toBe(1);
    expect(bad.err[0]).toMatch(/POSTBUS_VALIDATION_FAILED: .*\/data\/size: must be integer/);
    // order.placed is not a contract of that project.
    expect(
      (await cli("publish", "order.placed", JSON.stringify(orderExample), "--config", config)).status,
    ).toBe(1);
    const good = await cli("publish", "widget.made", '{"size":3}', "--config", config);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.out[0]!).channel).toBe("widgets");
  });

  it("a --config whose contracts do not load is a usage error (exit 2) and writes nothing", async () => {
    const before = await count();
    const broken = path.join(elsewhere, "broken.config.json");
    await writeFile(broken, '{"schemas": 42}');
    const result = await cli("publish", "widget.made", '{"size":3}', "--config", broken);
    expect(result.status).toBe(2);
    expect(result.err[0]).toMatch(/do not load .*pass --no-validate/);
    expect(await count()).toBe(before);
  });

  it("postbus request refuses an invalid request before writing it", async () => {
    const before = await count();
    const result = await cli("request", "risk.check.requested", '{"checkId":"nope"}', "--timeout-ms", "200");
    expect(result.status).toBe(1);
    expect(result.err[0]).toMatch(/^postbus: POSTBUS_VALIDATION_FAILED: Payload of "risk.check.requested"/);
    expect(await count()).toBe(before);
  });
});
