import { randomBytes } from "node:crypto";
import { createPostbus, fromPool, isPostbusError, migrate, type Postbus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
// Roles are server-wide: a name of this run's own, dropped afterwards.
const role = `pb_noselect_${randomBytes(4).toString("hex")}`;
let admin: pg.Pool;
let bus: Postbus;
let limited: pg.Pool;
let limitedUrl: string;

beforeAll(async () => {
  admin = db.pool({ max: 2 });
  await migrate(fromPool(admin));
  bus = createPostbus({ db: admin });
  await bus.publish("de.persistent", { n: 1 });
  // Everything a consumer needs except SELECT on events.
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
  await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await admin.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON postbus_groups, postbus_cursors, postbus_dead_letters TO ${role}`,
  );
  const url = new URL(db.url);
  url.username = role;
  url.password = "pw";
  limitedUrl = url.toString();
  limited = new pg.Pool({ connectionString: limitedUrl, max: 2 });
});
afterAll(async () => {
  await bus.close();
  await limited.end();
  await admin.query(`DROP OWNED BY ${role}`);
  await admin.query(`DROP ROLE ${role}`);
});

describe("drain and consume --once on a persistent error", () => {
  it("drain() rejects with the coded database error (sqlstate 42501) instead of retrying forever", async () => {
    const consumer = createPostbus({ db: limited, listen: false });
    const warnings: unknown[] = [];
    const started = Date.now();
    let error: unknown;
    try {
      await consumer.drain({
        group: "no-select",
        channels: ["de.persistent"],
        handler: () => {},
        onError: (e) => warnings.push(e),
      });
    } catch (caught) {
      error = caught;
    } finally {
      await consumer.close();
    }
    expect(isPostbusError(error, "POSTBUS_DATABASE_ERROR")).toBe(true);
    expect(error).toMatchObject({ sqlstate: "42501", subject: { group: "no-select" } });
    expect((error as Error).message).toMatch(/Consumer group "no-select" stopped: .*permission denied/);
    expect(warnings).toEqual([]); // not retried at all
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("postbus consume --once exits 1 naming the code", async () => {
    const err: string[] = [];
    const status = await runCli(
      ["consume", "no-select-cli", "--channel", "de.persistent", "--once", "--database-url", limitedUrl],
      { out: () => {}, err: (line) => err.push(line) },
    );
    expect(status).toBe(1);
    expect(err.at(-1)).toMatch(
      /^postbus: POSTBUS_DATABASE_ERROR: Consumer group "no-select-cli" stopped: .*permission denied/,
    );
  });

  it("a transient error (lock_timeout, 55P03) is retried a bounded number of times, then drain rejects; one that clears is survived", async () => {
    // Reads of events wait on an ACCESS EXCLUSIVE lock held by another transaction and give up after 100 ms.
    const impatient = db.pool({ max: 2, options: "-c lock_timeout=100" });
    const consumer = createPostbus({ db: impatient, listen: false });
    const locker = await admin.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      const warnings: unknown[] = [];
      const drained = consumer.drain({
        group: "locked-out",
        channels: ["de.persistent"],
        handler: () => {},
        onError: (e) => warnings.push(e),
      });
      const error = await drained.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: "POSTBUS_DATABASE_ERROR", sqlstate: "55P03" });
      expect((error as Error).message).toMatch(/failed 9 times in a row/);
      expect(warnings).toHaveLength(8);

      // The same fault, cleared while the drain backs off: it handles the event and resolves.
      const again: unknown[] = [];
      const second = consumer.drain({
        group: "locked-out",
        channels: ["de.persistent"],
        handler: () => {},
        onError: (e) => again.push(e),
      });
      while (again.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await locker.query("COMMIT");
      expect(await second).toMatchObject({ handled: 1 });
    } finally {
      await locker.query("ROLLBACK").catch(() => {});
      locker.release();
      await consumer.close();
    }
  }, 60_000);
});
