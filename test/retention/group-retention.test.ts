import { createPostbus, fromPool, migrate, type Postbus, statusToPrometheus } from "@postbus/client";
import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../support/deliverable.js";
import { useTestDatabase } from "../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 6 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, listen: false });
  // "replica" joins first and handles nothing: it is behind on every ledger event. "books" reads them all.
  await bus.drain({ group: "replica", channels: ["ledger"], from: "beginning", handler: () => {} });
  await bus.publishMany([1, 2, 3, 4].map((n) => ({ type: "ledger", data: { n } })));
  await deliverable(pool);
  await bus.drain({ group: "books", channels: ["ledger"], from: "beginning", handler: () => {} });
  await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(async () => {
  await bus.close();
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, "--database-url", db.url], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

const ledgerEvents = async () =>
  (await pool.query("SELECT count(*)::int AS n FROM events WHERE channel = 'ledger'")).rows[0].n;

describe("a consumer group's retention flag", () => {
  it("every group holds retention back by default: prune keeps what the slowest group has not passed", async () => {
    const status = await bus.status();
    expect(status.groups.map((group) => [group.group, group.holdsRetention])).toEqual([
      ["books", true],
      ["replica", true],
    ]);
    const result = await bus.prune({ olderThan: 0, dryRun: true });
    expect(result).toMatchObject({ deleted: 0, ignoredGroups: [] });
  });

  it("a group that releases retention is stored so, shown by status, and ignored by prune", async () => {
    expect(await bus.setGroupRetention("replica", false)).toBe(false);
    const stored = await pool.query("SELECT name, holds_retention FROM postbus_groups ORDER BY name");
    expect(stored.rows).toEqual([
      { name: "books", holds_retention: true },
      { name: "replica", holds_retention: false },
    ]);
    const status = await bus.status();
    expect(status.groups.find((group) => group.group === "replica")?.holdsRetention).toBe(false);
    const text = statusToPrometheus(status, { schema: "public" });
    expect(text).toMatch(/^postbus_group_holds_retention\{[^}]*group="replica"[^}]*\} 0$/m);
    expect(text).toMatch(/^postbus_group_holds_retention\{[^}]*group="books"[^}]*\} 1$/m);

    const dry = await bus.prune({ olderThan: 0, dryRun: true });
    expect(dry).toMatchObject({ deleted: 4, ignoredGroups: ["replica"] });
    expect(await ledgerEvents()).toBe(4);
  });

  it("holding again protects the group's events at once", async () => {
    expect(await bus.setGroupRetention("replica", true)).toBe(true);
    expect(await bus.prune({ olderThan: 0 })).toMatchObject({ deleted: 0 });
    expect(await ledgerEvents()).toBe(4);
  });

  it("postbus retention <group> release|hold sets it; status says so; prune deletes exactly what the holding groups passed", async () => {
    const released = await cli(["retention", "replica", "release"]);
    expect(released).toMatchObject({ code: 0, err: [] });
    expect(released.out).toEqual(["replica: does not hold retention back (prune ignores its cursors)"]);
    const status = await cli(["status"]);
    expect(status.out.find((line) => line.startsWith("  replica:"))).toMatch(/does not hold retention back$/);
    expect(status.out.find((line) => line.startsWith("  books:"))).not.toMatch(/retention/);

    const pruned = await cli(["prune", "--older-than", "0s"]);
    expect(pruned.code).toBe(0);
    expect(pruned.out[0]).toMatch(/^deleted 4 events .*; ignored groups: replica$/);
    expect(await ledgerEvents()).toBe(0);

    const held = await cli(["retention", "replica", "hold"]);
    expect(held.out).toEqual(["replica: holds retention back (prune keeps the events it has not passed)"]);
  });

  it("declaring it for a group that does not exist yet creates the group, which reads nothing until it subscribes", async () => {
    expect(await bus.setGroupRetention("future-audit", false)).toBe(false);
    const status = await bus.status();
    expect(status.groups.find((group) => group.group === "future-audit")).toMatchObject({
      holdsRetention: false,
      channels: [],
    });
  });

  it("refuses a bad group name, a non-boolean flag and a bad command line, changing nothing", async () => {
    await expect(bus.setGroupRetention("bad group!", false)).rejects.toMatchObject({
      code: "POSTBUS_NAME_INVALID",
    });
    await expect(bus.setGroupRetention("books", "no" as never)).rejects.toMatchObject({
      code: "POSTBUS_OPTIONS_INVALID",
      subject: { group: "books", field: "holdsRetention" },
    });
    expect((await cli(["retention", "books"])).code).toBe(2);
    const wrong = await cli(["retention", "books", "maybe"]);
    expect(wrong.code).toBe(2);
    expect(wrong.err[0]).toContain("hold or release");
    const stored = await pool.query("SELECT holds_retention FROM postbus_groups WHERE name = 'books'");
    expect(stored.rows).toEqual([{ holds_retention: true }]);
  });
});
