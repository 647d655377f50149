import { createPostbus, type Executor, fromPool, migrate, type Postbus } from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerStatements } from "../../packages/client/src/sql/consumer-statements.js";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

// A batch queues one statement right behind its claim (the savepoint, or the read of a batch read
// on its own), so the connection sends it as soon as the claim is answered. node-postgres deprecates
// queueing more than one: this file checks the order on the wire and that pg never warns.
const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;
const STATEMENTS = consumerStatements('"public"');
/** What the batch transactions did, in order: `call <statement>` when sent, `done <statement>` when answered. */
const steps: string[] = [];
const warnings: string[] = [];
const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);

function label(text: string): string {
  if (text === STATEMENTS.claimBatch) return "claim";
  if (text === STATEMENTS.readAfterCursor) return "read";
  if (text.startsWith("SAVEPOINT")) return "savepoint";
  if (text.startsWith("ROLLBACK TO")) return "rollback-to";
  return "other";
}

beforeAll(async () => {
  process.on("warning", onWarning);
  pool = db.pool({ max: 4 });
  const base = fromPool(pool);
  await migrate(base);
  const record = (tx: Executor): Executor => ({
    ...tx,
    query: <Row>(text: string, values?: readonly unknown[], options?: { prepared?: boolean }) => {
      const name = label(text);
      steps.push(`call ${name}`);
      const running = tx.query<Row>(text, values, options);
      running.then(
        () => steps.push(`done ${name}`),
        () => steps.push(`failed ${name}`),
      );
      return running;
    },
  });
  bus = createPostbus({
    db: { ...base, transaction: (work, options) => base.transaction!((tx) => work(record(tx)), options) },
  });
});
afterAll(async () => {
  process.off("warning", onWarning);
  await bus.close();
});

async function backlog(channel: string, count: number): Promise<void> {
  await bus.publishMany(Array.from({ length: count }, (_, n) => ({ type: channel, data: { n } })));
  await deliverable(pool);
}

describe("a batch's statements on one connection", () => {
  it("sends the savepoint right behind the claim, before the claim is answered", async () => {
    await backlog("pipe.small", 3);
    steps.length = 0;
    await bus.drain({ group: "pipe-small", channels: ["pipe.small"], from: "beginning", handler: () => {} });
    const claimDone = steps.indexOf("done claim");
    expect(steps.indexOf("call claim")).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf("call savepoint")).toBeGreaterThan(steps.indexOf("call claim"));
    expect(steps.indexOf("call savepoint")).toBeLessThan(claimDone);
  });

  it("in a batch read on its own, sends the read behind the claim and the savepoint behind the read", async () => {
    await backlog("pipe.large", 900);
    steps.length = 0;
    let handled = 0;
    await bus.drain({
      group: "pipe-large",
      channels: ["pipe.large"],
      from: "beginning",
      batchSize: 300,
      handler: () => void handled++,
    });
    expect(handled).toBe(900);
    // The second batch is the first read on its own.
    const second = steps.indexOf("call read");
    const window = steps.slice(steps.lastIndexOf("call claim", second));
    expect(window.slice(0, 2)).toEqual(["call claim", "call read"]);
    expect(window.indexOf("call savepoint")).toBeLessThan(window.indexOf("done read"));
    expect(window.indexOf("call savepoint")).toBeGreaterThan(window.indexOf("done claim"));
  });

  it("rolls a failed handler back to the pipelined savepoint, keeps earlier events once, and pg never warns", async () => {
    await backlog("pipe.fail", 700);
    await pool.query("CREATE TABLE pipe_handled (n int PRIMARY KEY)");
    let failures = 0;
    const result = await bus.drain({
      group: "pipe-fail",
      channels: ["pipe.fail"],
      from: "beginning",
      batchSize: 250,
      maxAttempts: 5,
      retryDelayMs: () => 1,
      handler: async (event, { tx }) => {
        const n = (event.data as { n: number }).n;
        await tx.query("INSERT INTO pipe_handled (n) VALUES ($1)", [n]);
        // 10 is in a batch claimed with its events; 600 in one read on its own.
        if ((n === 10 || n === 600) && failures++ % 2 === 0) throw new Error("transient");
      },
    });
    expect(result.handled).toBe(700);
    expect(steps).toContain("call rollback-to");
    const { rows } = await pool.query<{ count: number }>("SELECT count(*)::int AS count FROM pipe_handled");
    expect(rows[0]!.count).toBe(700);
    expect(warnings.filter((warning) => warning.startsWith("DeprecationWarning"))).toEqual([]);
  });

  it("writes BEGIN, the claim and the savepoint without waiting for answers (pg's pipeline mode), and returns the connection unpipelined", async () => {
    const own = db.pool({ max: 2 });
    const wire: string[] = [];
    const clients = new Set<pg.PoolClient>();
    own.on("acquire", (client) => {
      if (clients.has(client)) return;
      clients.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const config = args[0] as string | { text: string };
        const text = typeof config === "string" ? config : config.text;
        const name = text.startsWith("BEGIN") ? "begin" : label(text);
        wire.push(`call ${name}`);
        const running = query(...args);
        // pg-pool's own calls pass a callback and get no promise back.
        running?.then(
          () => wire.push(`done ${name}`),
          () => wire.push(`failed ${name}`),
        );
        return running;
      };
    });
    const piped = createPostbus({ db: own, listen: false });
    try {
      await piped.publishMany([1, 2, 3].map((n) => ({ type: "pipe.begin", data: { n } })));
      await deliverable(own);
      let handled = 0;
      await piped.drain({
        group: "pipe-begin",
        channels: ["pipe.begin"],
        from: "beginning",
        handler: () => void handled++,
      });
      expect(handled).toBe(3);
      // The first batch's transaction (the group was created in one of its own before it).
      const begin = wire.lastIndexOf("call begin", wire.indexOf("call claim"));
      const batch = wire.slice(begin);
      // All three are on the wire before BEGIN's answer came back.
      expect(batch.slice(0, 3)).toEqual(["call begin", "call claim", "call savepoint"]);
      expect(batch.indexOf("done begin")).toBeGreaterThan(2);
      expect(batch.indexOf("done claim")).toBeGreaterThan(batch.indexOf("done begin"));
      for (const client of clients) expect((client as unknown as { pipeline: boolean }).pipeline).toBe(false);
      // The connections work as plain ones afterwards.
      const { rows } = await own.query<{ one: number }>("SELECT 1 AS one");
      expect(rows[0]!.one).toBe(1);
      expect(warnings.filter((warning) => warning.startsWith("DeprecationWarning"))).toEqual([]);
    } finally {
      await piped.close();
      await own.end();
    }
  });
});
