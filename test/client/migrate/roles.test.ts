import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createPostbus, fromPool, isPostbusError, migrate, type Postbus } from "@postbus/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverable } from "../../support/deliverable.js";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
const schema = "roles_doc";
// Roles are server-wide: this run's own names, dropped afterwards.
const suffix = randomBytes(4).toString("hex");
const roles = ["owner", "publisher", "consumer", "operator"].map((kind) => ({
  kind,
  doc: `postbus_${kind}`,
  name: `pb_${kind}_${suffix}`,
}));
let admin: pg.Pool;
const pools: pg.Pool[] = [];

/** The ```sql blocks of docs/roles.md, in order, with this run's role names and schema. */
async function docBlocks(): Promise<string[]> {
  const text = await readFile(new URL("../../../docs/roles.md", import.meta.url), "utf8");
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map(([, sql]) => {
    let out = sql!.replaceAll("public.", `${schema}.`).replaceAll("SCHEMA public", `SCHEMA ${schema}`);
    for (const role of roles) out = out.replaceAll(role.doc, role.name);
    return out.replaceAll("'change-me'", "'pw'");
  });
}

function poolAs(kind: string): pg.Pool {
  const url = new URL(db.url);
  url.username = roles.find((role) => role.kind === kind)!.name;
  url.password = "pw";
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  pools.push(pool);
  return pool;
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  admin = db.pool({ max: 2 });
  const blocks = await docBlocks();
  expect(blocks).toHaveLength(4); // owner, publisher, consumer, operator
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(blocks[0]!);
  const { applied } = await migrate(fromPool(poolAs("owner")), { schema });
  expect(applied.length).toBeGreaterThan(0);
  for (const block of blocks.slice(1)) await admin.query(block);
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  for (const role of [...roles].reverse()) {
    await admin.query(`DROP OWNED BY ${role.name}`);
    await admin.query(`DROP ROLE ${role.name}`);
  }
});

describe("the least-privilege roles of docs/roles.md", () => {
  it("publisher: publishes, retries idempotently, reads and migrates (no-op) — and cannot write tx", async () => {
    const pool = poolAs("publisher");
    const bus: Postbus = createPostbus({ db: pool, schema });
    try {
      const event = await bus.publish("rl.pub", { n: 1 });
      const again = await bus.publish(
        "rl.pub",
        { n: 1 },
        { metadata: { event_id: event.envelope.metadata.event_id } },
      );
      expect(again.id).toBe(event.id);
      const batch = await bus.publishMany([{ type: "rl.pub", data: { n: 2 } }]);
      await deliverable(admin, schema);
      expect((await bus.readEvents("rl.pub")).map((e) => e.id)).toEqual([event.id, batch[0]!.id]);
      expect((await bus.getLatestEvents("rl.pub", { limit: 1 }))[0]!.id).toBe(batch[0]!.id);
      expect(await migrate(fromPool(pool), { schema })).toMatchObject({ applied: [] });

      for (const forge of [
        `INSERT INTO ${schema}.events (channel, data, tx) VALUES ('rl.pub', '{}', '1')`,
        `INSERT INTO ${schema}.events (channel, data, tx) VALUES ('rl.pub', '{}', '9223372036854775807')`,
        `UPDATE ${schema}.events SET tx = '1'`,
        `DELETE FROM ${schema}.events`,
        `INSERT INTO ${schema}.events (id, channel, data) VALUES (1000000, 'rl.pub', '{}')`,
      ]) {
        await expect(pool.query(forge), forge).rejects.toMatchObject({ code: "42501" });
      }
      // The ADR's own insert works under a grant that leaves tx out.
      await pool.query(`INSERT INTO ${schema}.events (channel, data) VALUES ('rl.pub', '{"plain":true}')`);
    } finally {
      await bus.close();
    }
  });

  it("consumer: a group handles events, publishes from its handler and dead-letters a failure", async () => {
    const writer = createPostbus({ db: poolAs("publisher"), schema });
    const bus = createPostbus({ db: poolAs("consumer"), schema });
    try {
      await writer.publishMany([
        { type: "rl.work", data: { ok: true } },
        { type: "rl.work", data: { ok: false } },
      ]);
      await deliverable(admin, schema);
      const stats = await bus.drain({
        group: "rl-consumers",
        channels: ["rl.work"],
        maxAttempts: 1,
        handler: async (event, { tx }) => {
          if (!(event.data as { ok: boolean }).ok) throw new Error("refused");
          await tx.publish("rl.done", { of: event.id }, { causedBy: event });
        },
      });
      expect(stats).toMatchObject({ handled: 1, deadLettered: 1 });
      await deliverable(admin, schema);
      expect(await writer.getLatestEvents("rl.done")).toHaveLength(1);
    } finally {
      await bus.close();
      await writer.close();
    }
  });

  it("operator: status, dead letters, redrive and reset; but no writes to events", async () => {
    const pool = poolAs("operator");
    const bus = createPostbus({ db: pool, schema });
    try {
      const status = await bus.status();
      expect(status.groups.map((group) => group.group)).toContain("rl-consumers");
      const dead = await bus.listDeadLetters({ group: "rl-consumers" });
      expect(dead).toHaveLength(1);
      expect(await bus.requestRedrive("rl-consumers")).toBe(1);
      await bus.resetGroup("rl-consumers", { channels: ["rl.work"], to: "beginning" });
      const error = await failure(bus.publish("rl.op", {}));
      expect(isPostbusError(error, "POSTBUS_DATABASE_ERROR")).toBe(true);
      expect(error).toMatchObject({ sqlstate: "42501" });
    } finally {
      await bus.close();
    }
  });
});
