import {
  createPostbus,
  fromPool,
  migrate,
  type Postbus,
  PostbusInputError,
  type StandardSchemaV1,
} from "@postbus/client";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../support/test-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let bus: Postbus;

beforeAll(async () => {
  pool = db.pool();
  await migrate(fromPool(pool));
  bus = createPostbus({ db: pool });
});
afterAll(() => bus.close());

const total = async () => Number((await pool.query("SELECT count(*) AS n FROM events")).rows[0].n);

function circular() {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

const cases: Array<[string, () => Promise<unknown>, string, Record<string, unknown>]> = [
  [
    "an event type with spaces",
    () => bus.publish("drop table", {}),
    "POSTBUS_NAME_INVALID",
    { eventType: "drop table" },
  ],
  [
    "an event type with a quote",
    () => bus.publish("a'; --", {}),
    "POSTBUS_NAME_INVALID",
    { field: "eventType" },
  ],
  ["an empty event type", () => bus.publish("", {}), "POSTBUS_NAME_INVALID", { field: "eventType" }],
  [
    "a non-ASCII event type",
    () => bus.publish("événement", {}),
    "POSTBUS_NAME_INVALID",
    { field: "eventType" },
  ],
  [
    "an event type over 50 bytes",
    () => bus.publish("a".repeat(51), {}),
    "POSTBUS_NAME_TOO_LONG",
    { field: "eventType" },
  ],
  [
    "a channel with a comma",
    () => bus.publish("ok", {}, { channel: "a,b" }),
    "POSTBUS_NAME_INVALID",
    { channel: "a,b" },
  ],
  [
    "a channel over 50 bytes",
    () => bus.publish("ok", {}, { channel: `c${"x".repeat(50)}` }),
    "POSTBUS_NAME_TOO_LONG",
    { field: "channel" },
  ],
  ["undefined data", () => bus.publish("ok", undefined), "POSTBUS_JSON_UNDEFINED", { pointer: "/data" }],
  [
    "an undefined property",
    () => bus.publish("ok", { a: undefined }),
    "POSTBUS_JSON_UNDEFINED",
    { pointer: "/data/a" },
  ],
  ["a function", () => bus.publish("ok", { f: () => 1 }), "POSTBUS_JSON_FUNCTION", { pointer: "/data/f" }],
  ["a BigInt", () => bus.publish("ok", { n: 10n }), "POSTBUS_JSON_BIGINT", { pointer: "/data/n" }],
  ["a symbol", () => bus.publish("ok", { s: Symbol("x") }), "POSTBUS_JSON_SYMBOL", { pointer: "/data/s" }],
  [
    "a circular object",
    () => bus.publish("ok", { c: circular() }),
    "POSTBUS_JSON_CIRCULAR",
    { pointer: "/data/c/self" },
  ],
  ["NaN", () => bus.publish("ok", { x: Number.NaN }), "POSTBUS_JSON_NON_FINITE", { pointer: "/data/x" }],
  [
    "Infinity",
    () => bus.publish("ok", [Number.POSITIVE_INFINITY]),
    "POSTBUS_JSON_NON_FINITE",
    { pointer: "/data/0" },
  ],
  [
    "a Date object",
    () => bus.publish("ok", { at: new Date() }),
    "POSTBUS_JSON_NOT_PLAIN",
    { pointer: "/data/at" },
  ],
  ["a Map", () => bus.publish("ok", { m: new Map() }), "POSTBUS_JSON_NOT_PLAIN", { pointer: "/data/m" }],
  [
    "a NUL character",
    () => bus.publish("ok", { s: "a\u0000b" }),
    "POSTBUS_JSON_NUL_CHARACTER",
    { pointer: "/data/s" },
  ],
  [
    "a lone surrogate",
    () => bus.publish("ok", { s: "x\ud800" }),
    "POSTBUS_JSON_LONE_SURROGATE",
    { pointer: "/data/s" },
  ],
  [
    "a __proto__ key",
    () => bus.publish("ok", JSON.parse('{"__proto__":{"admin":true}}')),
    "POSTBUS_JSON_FORBIDDEN_KEY",
    { pointer: "/data/__proto__" },
  ],
  [
    "a constructor key",
    () => bus.publish("ok", { constructor: 1 }),
    "POSTBUS_JSON_FORBIDDEN_KEY",
    { pointer: "/data/constructor" },
  ],
  [
    "a prototype key",
    () => bus.publish("ok", { nested: { prototype: 1 } }),
    "POSTBUS_JSON_FORBIDDEN_KEY",
    { pointer: "/data/nested/prototype" },
  ],
  [
    "a sparse array",
    () => bus.publish("ok", { a: sparse() }),
    "POSTBUS_JSON_SPARSE_ARRAY",
    { pointer: "/data/a/1" },
  ],
  ["nesting over 64 levels", () => bus.publish("ok", deep(70)), "POSTBUS_JSON_TOO_DEEP", {}],
  [
    "a payload over 1 MiB",
    () => bus.publish("ok", { s: "x".repeat(1_100_000) }),
    "POSTBUS_JSON_TOO_LARGE",
    {},
  ],
  [
    "metadata with a Date",
    () => bus.publish("ok", {}, { metadata: { at: new Date() } }),
    "POSTBUS_JSON_NOT_PLAIN",
    { pointer: "/metadata/at" },
  ],
  [
    "an event_id that is not a UUID",
    () => bus.publish("ok", {}, { metadata: { event_id: "42" } }),
    "POSTBUS_METADATA_INVALID",
    { pointer: "/metadata/event_id" },
  ],
  [
    "a limit of 0",
    () => bus.getLatestEvents("ok", { limit: 0 }),
    "POSTBUS_LIMIT_INVALID",
    { field: "limit" },
  ],
  [
    "a fractional limit",
    () => bus.readEvents("ok", { limit: 1.5 }),
    "POSTBUS_LIMIT_INVALID",
    { field: "limit" },
  ],
  [
    "a limit over 10000",
    () => bus.readEvents("ok", { limit: 10_001 }),
    "POSTBUS_LIMIT_INVALID",
    { field: "limit" },
  ],
  [
    "a malformed position",
    () => bus.readEvents("ok", { after: "12" }),
    "POSTBUS_POSITION_INVALID",
    { field: "after" },
  ],
  [
    "a read of a bad channel",
    () => bus.readEvents(["ok", "no way"]),
    "POSTBUS_NAME_INVALID",
    { field: "channels[1]" },
  ],
  ["a latest of a bad channel", () => bus.getLatestEvents("x;y"), "POSTBUS_NAME_INVALID", { channel: "x;y" }],
  [
    "null publish options",
    () => bus.publish("ok", {}, null as never),
    "POSTBUS_OPTIONS_INVALID",
    { field: "options" },
  ],
  ["causedBy null", () => bus.publish("ok", {}, { causedBy: null as never }), "POSTBUS_METADATA_INVALID", {}],
  [
    "causedBy without metadata",
    () => bus.publish("ok", {}, { causedBy: { envelope: {} } as never }),
    "POSTBUS_METADATA_INVALID",
    {},
  ],
  ["a read of a number", () => bus.readEvents(42 as never), "POSTBUS_OPTIONS_INVALID", { field: "channels" }],
  [
    "a batch over 10000 events",
    () => bus.publishMany(Array.from({ length: 10_001 }, () => ({ type: "ok", data: 1 }))),
    "POSTBUS_BATCH_TOO_LARGE",
    {},
  ],
];

function deep(levels: number): unknown {
  let value: unknown = "bottom";
  for (let n = 0; n < levels; n++) value = { next: value };
  return value;
}

describe("bad input is rejected before the database with its own code, and nothing is written", () => {
  it.each(cases)("%s", async (_name, act, code, subject) => {
    const before = await total();
    const error = await act().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostbusInputError);
    expect(error).toMatchObject({ code, subject: expect.objectContaining(subject) });
    expect((error as PostbusInputError).hint).toEqual(expect.any(String));
    expect(await total()).toBe(before);
  });
});

describe("a validator registry", () => {
  const symbolRequired: StandardSchemaV1<{ symbol: string }> = {
    "~standard": {
      version: 1,
      vendor: "test",
      validate(value) {
        if (
          typeof value === "object" &&
          value !== null &&
          typeof (value as { symbol?: unknown }).symbol === "string"
        ) {
          return { value: { symbol: (value as { symbol: string }).symbol.toUpperCase() } };
        }
        return { issues: [{ message: "symbol must be a string", path: ["symbol"] }] };
      },
    },
  };

  it("rejects a payload that does not match and names the field; writes nothing", async () => {
    const typed = createPostbus({ db: pool, validators: { "signal.triggered": symbolRequired } });
    const before = await total();
    await expect(typed.publish("signal.triggered", { symbol: 42 })).rejects.toMatchObject({
      code: "POSTBUS_VALIDATION_FAILED",
      subject: { eventType: "signal.triggered", pointer: "/data/symbol" },
    });
    expect(await total()).toBe(before);
    await typed.close();
  });

  it("stores the validator's output", async () => {
    const typed = createPostbus({ db: pool, validators: { "signal.triggered": symbolRequired } });
    const event = await typed.publish("signal.triggered", { symbol: "btc-usd", extra: "dropped" });
    expect(event.data).toEqual({ symbol: "BTC-USD" });
    await typed.close();
  });

  it("rejects unknown event types when asked to", async () => {
    const strict = createPostbus({
      db: pool,
      validators: { "signal.triggered": symbolRequired },
      unknownEventTypes: "reject",
    });
    await expect(strict.publish("signal.triggerd", { symbol: "x" })).rejects.toMatchObject({
      code: "POSTBUS_UNKNOWN_EVENT_TYPE",
    });
    await strict.close();
  });
});

describe("options", () => {
  it("rejects a schema name outside the allow-list", () => {
    expect(() => createPostbus({ db: pool, schema: 'public"; drop table events; --' })).toThrow(
      expect.objectContaining({ code: "POSTBUS_NAME_INVALID", subject: { field: "schema" } }),
    );
  });

  it("refuses schema names PostgreSQL reserves (pg_*) up front, as a coded name error", async () => {
    for (const schema of ["pg_catalog", "pg_temp", "pg_mine"]) {
      expect(() => createPostbus({ db: pool, schema })).toThrow(
        expect.objectContaining({ code: "POSTBUS_NAME_INVALID", subject: { field: "schema" } }),
      );
      await expect(migrate(fromPool(pool), { schema })).rejects.toMatchObject({
        code: "POSTBUS_NAME_INVALID",
      });
    }
  });

  it("refuses to publish after close()", async () => {
    const closed = createPostbus({ db: pool });
    await closed.close();
    await expect(closed.publish("ok", {})).rejects.toMatchObject({ code: "POSTBUS_CLOSED" });
  });
});

describe("names that are not strings and run code of their own", () => {
  const hostile = (): Array<[string, unknown]> => [
    ["a null-prototype object", Object.create(null)],
    [
      "an object whose toString throws",
      {
        toString() {
          throw new Error("boom");
        },
      },
    ],
    [
      "an object whose Symbol.toPrimitive throws",
      {
        [Symbol.toPrimitive]() {
          throw new Error("boom");
        },
      },
    ],
    ["a symbol", Symbol("s")],
    ["a bigint", 10n],
  ];

  it.each(hostile())(
    "as an event type, channel, group or event type filter: %s is POSTBUS_NAME_INVALID, nothing written",
    async (_, name) => {
      const before = await total();
      const calls: Array<() => unknown> = [
        () => bus.publish(name as string, {}),
        () => bus.publish("ok.type", {}, { channel: name as string }),
        () => bus.publishMany([{ type: name as string, data: {} }]),
        () => bus.getLatestEvents(name as string),
        () => bus.readEvents([name as string]),
        () => bus.subscribe({ group: name as string, channels: ["ok"], handler() {} }),
        () => bus.subscribe({ group: "ok", channels: [name as string], handler() {} }),
        () => bus.drain({ group: "ok", channels: ["ok"], eventTypes: [name as string], handler() {} }),
        () => createPostbus({ db: pool, producer: name as string }),
        () => createPostbus({ db: pool, schema: name as string }),
      ];
      for (const call of calls) {
        const error = await Promise.resolve()
          .then(call)
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect(error).toBeInstanceOf(PostbusInputError);
        expect(error).toMatchObject({ code: "POSTBUS_NAME_INVALID" });
      }
      expect(await total()).toBe(before);
    },
  );

  it("bad limits, positions and integer options that run code of their own are coded errors too", async () => {
    const [, nullProto] = hostile()[0]!;
    const [, throwing] = hostile()[1]!;
    for (const value of [nullProto, throwing, 10n]) {
      await expect(bus.getLatestEvents("ok", { limit: value as number })).rejects.toMatchObject({
        code: "POSTBUS_LIMIT_INVALID",
      });
      await expect(bus.readEvents("ok", { after: value as string })).rejects.toMatchObject({
        code: "POSTBUS_POSITION_INVALID",
      });
      expect(() =>
        bus.subscribe({ group: "ok", channels: ["ok"], batchSize: value as number, handler() {} }),
      ).toThrow(expect.objectContaining({ code: "POSTBUS_OPTIONS_INVALID" }));
      await expect(bus.status({ countCap: value as number })).rejects.toMatchObject({
        code: "POSTBUS_OPTIONS_INVALID",
      });
    }
    const getter = Object.defineProperty({}, "tx", {
      get() {
        throw new Error("boom");
      },
    });
    await expect(bus.readEvents("ok", { after: getter as string })).rejects.toMatchObject({
      code: "POSTBUS_POSITION_INVALID",
    });
  });
});

function sparse(): unknown[] {
  const holes: unknown[] = [1];
  holes[2] = 3;
  return holes;
}
