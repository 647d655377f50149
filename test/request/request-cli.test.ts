import { createPostbus, fromPool, migrate, type Postbus, type Subscription } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
let responder: Subscription;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, producer: "calc" });
  responder = bus.respond({
    requestType: "calc.requested",
    responseType: "calc.answered",
    errorResponseType: "calc.failed",
    pollIntervalMs: 100,
    handler: (request, { replyError }) => {
      const { n } = request.data as { n: number };
      return n < 0 ? replyError({ message: `negative: ${n}` }) : { doubled: n * 2 };
    },
  });
  await responder.ready;
});
afterAll(async () => {
  await responder.close();
  await bus.close();
});

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli([...argv, "--database-url", db.url], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { status, out, err };
}

describe("postbus request", () => {
  it("sends a request and prints its reply as stored", async () => {
    const result = await cli([
      "request",
      "calc.requested",
      '{"n":21}',
      "--no-validate",
      "--timeout-ms",
      "20000",
    ]);
    expect(result.err).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.out).toHaveLength(1);
    const reply = JSON.parse(result.out[0]!);
    expect(reply.channel).toBe("calc.requested");
    expect(reply.data.event_type).toBe("calc.answered");
    expect(reply.data.data).toEqual({ doubled: 42 });
    const request = await pool.query("SELECT data FROM events WHERE data->'metadata'->>'event_id' = $1", [
      reply.data.metadata.request_id,
    ]);
    expect(request.rows[0].data.metadata).toMatchObject({
      producer: "postbus-cli",
      reply_to: "calc.requested",
    });
  });

  it("prints an error reply, then fails with POSTBUS_REPLY_ERROR", async () => {
    const result = await cli([
      "request",
      "calc.requested",
      '{"n":-1}',
      "--no-validate",
      "--timeout-ms",
      "20000",
    ]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.out[0]!).data).toMatchObject({
      event_type: "calc.failed",
      data: { message: "negative: -1" },
    });
    expect(result.err.join("\n")).toMatch(/POSTBUS_REPLY_ERROR: .*"calc\.requested".*negative: -1/);
  });

  it("times out naming the request type and its request id", async () => {
    const result = await cli(["request", "nobody.requested", "{}", "--no-validate", "--timeout-ms", "200"]);
    expect(result.status).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join("\n")).toMatch(
      /POSTBUS_REQUEST_TIMEOUT: No reply to the "nobody\.requested" request [0-9a-f-]{36} .* within 200 ms/,
    );
  });

  it.each([
    [["request", "calc.requested"], "POSTBUS_USAGE", 2],
    [["request", "calc.requested", "{nope"], "POSTBUS_USAGE", 2],
    [["request", "calc.requested", "{}", "--timeout-ms", "soon"], "POSTBUS_USAGE", 2],
    [["request", "calc.requested", "{}", "--channel", "a", "--channel", "b"], "POSTBUS_USAGE", 2],
    [["request", "bad type", "{}"], "POSTBUS_NAME_INVALID", 1],
  ])("%j fails with %s and exit status %i, writing nothing", async (argv, code, status) => {
    const count = async () => Number((await pool.query("SELECT count(*) FROM events")).rows[0].count);
    const before = await count();
    const result = await cli(argv);
    expect(result.status).toBe(status);
    expect(result.err.join("\n")).toContain(code);
    expect(await count()).toBe(before);
  });
});
