import {
  createPostbus,
  fromPool,
  migrate,
  type Postbus,
  type PostbusError,
  PostbusInputError,
} from "@postbus/client";
import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.js";
import { build, hostileName, hostileValue, integerPlan, type Plan } from "./hostile-values.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool, listen: false, wakeups: "off" });
});
afterAll(() => bus.close());

const count = async () => Number((await pool.query("SELECT count(*) AS n FROM events")).rows[0].n);

/** Runs `call`; returns undefined when it succeeded, else the error (synchronous throws included). */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** A rejection must be a coded PostbusInputError (bad input never reaches the database). */
function expectCodedInputError(error: unknown): void {
  expect(
    error,
    `not a PostbusInputError: ${error instanceof Error ? error.stack : typeof error}`,
  ).toBeInstanceOf(PostbusInputError);
  expect((error as PostbusError).code).toMatch(/^POSTBUS_[A-Z_]+$/);
}

describe("fuzzed client input (fast-check)", () => {
  it("payloads: publish either stores the value so it reads back as JSON would write it, or rejects with a coded input error and writes nothing", async () => {
    const seen = { stored: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(hostileValue, async (plan) => {
        const data = build(plan);
        const before = await count();
        let stored: Awaited<ReturnType<Postbus["publish"]>> | undefined;
        const error = await outcome(async () => {
          stored = await bus.publish("fz.payload", data);
        });
        if (error !== undefined) {
          expectCodedInputError(error);
          expect(await count()).toBe(before);
          seen.refused += 1;
          return;
        }
        seen.stored += 1;
        const { rows } = await pool.query("SELECT data FROM events WHERE id = $1", [stored!.id]);
        expect(rows[0].data.data).toEqual(JSON.parse(JSON.stringify(build(plan))));
      }),
      { numRuns: 300 },
    );
    // Both sides of the property were exercised.
    expect(seen.stored).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it("names: as event type, channel, group, producer or schema, a name is accepted or refused with POSTBUS_NAME_*; refusals write nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileName,
        fc.constantFrom("type", "channel", "group", "producer", "schema", "read"),
        async (name, role) => {
          const before = await count();
          const error = await outcome(async () => {
            const n = build(name) as string;
            if (role === "type") await bus.publish(n, { ok: 1 });
            else if (role === "channel") await bus.publish("fz.name", { ok: 1 }, { channel: n });
            else if (role === "group")
              await bus.drain({ group: n, channels: ["fz.none"], handler: () => {} });
            else if (role === "producer") await createPostbus({ db: pool, producer: n }).close();
            else if (role === "schema") await createPostbus({ db: pool, schema: n }).close();
            else await bus.readEvents([n]);
          });
          if (error === undefined) return;
          expectCodedInputError(error);
          expect((error as PostbusError).code).toMatch(/^POSTBUS_NAME_(INVALID|TOO_LONG)$/);
          expect(await count()).toBe(before);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("publish and publishMany options: any options object (metadata, causedBy, channel) is accepted or refused with a coded input error, writing nothing", async () => {
    const field = (key: string, value: fc.Arbitrary<Plan>) =>
      fc.option(
        value.map((plan) => [key, plan] as const),
        { nil: undefined },
      );
    const metadata: fc.Arbitrary<Plan> = fc.oneof(
      hostileValue,
      fc
        .oneof(
          fc.uuid().map((json): Plan => ({ json })),
          hostileValue,
        )
        .map((id): Plan => ({ dict: [["event_id", id]] })),
    );
    const options: fc.Arbitrary<Plan> = fc.oneof(
      hostileValue,
      fc
        .tuple(field("channel", hostileName), field("metadata", metadata), field("causedBy", hostileValue))
        .map((entries): Plan => ({ dict: entries.filter((entry) => entry !== undefined) })),
    );
    await fc.assert(
      fc.asyncProperty(options, fc.boolean(), async (plan, many) => {
        const before = await count();
        const error = await outcome(() => {
          if (!many) return bus.publish("fz.opts", { n: 1 }, build(plan) as object);
          // The item itself carries the options (built without running their getters here).
          const item: Plan =
            "dict" in plan
              ? { dict: [["type", { json: "fz.opts" }], ["data", { json: 1 }], ...plan.dict] }
              : plan;
          return bus.publishMany([build(item) as never]);
        });
        if (error === undefined) return;
        expectCodedInputError(error);
        expect(await count()).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it("subscribe and read options: any value of any option is accepted or refused with a coded input error", async () => {
    const key = fc.constantFrom(
      "batchSize",
      "maxAttempts",
      "pollIntervalMs",
      "batchTimeoutMs",
      "handlerTimeoutMs",
      "stalledWarningMs",
      "from",
      "eventTypes",
      "channels",
      "handler",
      "retryDelayMs",
      "group",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, fc.oneof(hostileValue, integerPlan, hostileName)), { maxLength: 3 }),
        fc.oneof(hostileValue, integerPlan),
        fc.oneof(hostileValue, hostileName),
        async (entries, limitPlan, afterPlan) => {
          const base: Array<readonly [string, Plan]> = [
            ["group", { json: "fz-opts" }],
            ["channels", { json: ["fz.sub"] }],
          ];
          const error = await outcome(async () => {
            const options = build({ dict: [...base, ...entries] }) as Record<string, unknown>;
            if (typeof options.handler !== "function") options.handler = () => {};
            const subscription = bus.subscribe(options as never);
            await subscription.close();
          });
          if (error !== undefined) expectCodedInputError(error);
          const readError = await outcome(() =>
            bus.readEvents("fz.sub", {
              limit: build(limitPlan) as number,
              after: build(afterPlan) as string,
            }),
          );
          if (readError !== undefined) expectCodedInputError(readError);
        },
      ),
      { numRuns: 200 },
    );
  });
});
