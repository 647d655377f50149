import { describe, expect, it } from "vitest";
import { PostbusInputError } from "../../../packages/client/src/errors/postbus-error.js";
import {
  DEFAULT_JSON_LIMITS,
  type JsonLimits,
  MAX_JSON_DEPTH,
  toCheckedJson,
} from "../../../packages/client/src/validate/check-json.js";

const context = { pointer: "/data", eventType: "order.placed", index: 3 } as const;

/** Runs toCheckedJson and returns the PostbusInputError it throws. */
function rejection(value: unknown, limits?: JsonLimits, ctx: typeof context | { pointer: string } = context) {
  try {
    toCheckedJson(value, ctx, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(PostbusInputError);
    return error as PostbusInputError;
  }
  throw new Error("expected toCheckedJson to throw");
}

/** `{ a: { a: ... {} } }` where the innermost object is at depth `depth`. */
function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function withDefined(key: PropertyKey, value: unknown, enumerable = true): object {
  return Object.defineProperty({}, key, { value, enumerable, configurable: true, writable: true });
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const circular: Record<string, unknown> = { name: "loop" };
circular.self = circular;

const deepCircular: { a: { b: unknown[] } } = { a: { b: [] } };
deepCircular.a.b.push(1, deepCircular);

const selfArray: unknown[] = [];
selfArray.push(selfArray);

const innerLoop: Record<string, unknown> = {};
innerLoop.again = innerLoop;

// biome-ignore lint/suspicious/noSparseArray: a hole is what is being tested
const sparse = [1, , 3];

interface Case {
  readonly name: string;
  readonly given: () => unknown;
  readonly code: string;
  readonly pointer: string;
  readonly limits?: JsonLimits;
  /** Substrings the message must contain. */
  readonly message?: readonly string[];
  /** Substring the hint must contain. */
  readonly hint?: string;
}

const rejected: readonly Case[] = [
  // undefined
  { name: "top-level undefined", given: () => undefined, code: "POSTBUS_JSON_UNDEFINED", pointer: "/data" },
  {
    name: "undefined property",
    given: () => ({ a: 1, b: undefined }),
    code: "POSTBUS_JSON_UNDEFINED",
    pointer: "/data/b",
    message: ["/data/b", "silently drop"],
  },
  {
    name: "undefined array element",
    given: () => [1, undefined],
    code: "POSTBUS_JSON_UNDEFINED",
    pointer: "/data/1",
    message: ["turn into null"],
  },
  {
    name: "nested undefined",
    given: () => ({ items: [{ sku: "a" }, { sku: undefined }] }),
    code: "POSTBUS_JSON_UNDEFINED",
    pointer: "/data/items/1/sku",
  },
  // functions
  { name: "top-level function", given: () => () => 1, code: "POSTBUS_JSON_FUNCTION", pointer: "/data" },
  { name: "method", given: () => ({ f() {} }), code: "POSTBUS_JSON_FUNCTION", pointer: "/data/f" },
  { name: "class in array", given: () => [Point], code: "POSTBUS_JSON_FUNCTION", pointer: "/data/0" },
  // symbols
  {
    name: "symbol value",
    given: () => ({ s: Symbol("x") }),
    code: "POSTBUS_JSON_SYMBOL",
    pointer: "/data/s",
  },
  {
    name: "symbol in array",
    given: () => [Symbol.iterator],
    code: "POSTBUS_JSON_SYMBOL",
    pointer: "/data/0",
  },
  {
    name: "symbol-keyed property",
    given: () => ({ a: 1, [Symbol("secret")]: 2 }),
    code: "POSTBUS_JSON_SYMBOL",
    pointer: "/data",
    message: ["Symbol(secret)"],
  },
  {
    name: "nested symbol-keyed property",
    given: () => ({ a: [{ [Symbol("k")]: 1 }] }),
    code: "POSTBUS_JSON_SYMBOL",
    pointer: "/data/a/0",
  },
  // bigint
  {
    name: "bigint",
    given: () => ({ amount: 10n }),
    code: "POSTBUS_JSON_BIGINT",
    pointer: "/data/amount",
    hint: "string",
  },
  { name: "top-level bigint", given: () => 1n, code: "POSTBUS_JSON_BIGINT", pointer: "/data" },
  // non-finite numbers
  { name: "NaN", given: () => ({ n: Number.NaN }), code: "POSTBUS_JSON_NON_FINITE", pointer: "/data/n" },
  { name: "Infinity", given: () => [0, Infinity], code: "POSTBUS_JSON_NON_FINITE", pointer: "/data/1" },
  {
    name: "-Infinity",
    given: () => -Infinity,
    code: "POSTBUS_JSON_NON_FINITE",
    pointer: "/data",
    message: ["-Infinity"],
  },
  // not plain
  {
    name: "Date",
    given: () => ({ items: [0, 1, { at: new Date(0) }] }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/items/2/at",
    message: ["Value at /data/items/2/at is a Date object, which JSON would turn into a string"],
    hint: "toISOString()",
  },
  {
    name: "Map",
    given: () => ({ m: new Map() }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/m",
    message: ["Map"],
  },
  {
    name: "Set",
    given: () => [new Set([1])],
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/0",
    message: ["Set"],
  },
  {
    name: "RegExp",
    given: () => ({ r: /x/ }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/r",
    message: ["RegExp"],
  },
  {
    name: "Error",
    given: () => ({ e: new TypeError("x") }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/e",
    message: ["TypeError"],
  },
  {
    name: "Buffer",
    given: () => ({ b: Buffer.from("hi") }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/b",
    message: ["Buffer"],
    hint: "base64",
  },
  {
    name: "Uint8Array",
    given: () => ({ b: new Uint8Array(2) }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/b",
    message: ["Uint8Array"],
  },
  {
    name: "ArrayBuffer",
    given: () => new ArrayBuffer(2),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data",
    message: ["ArrayBuffer"],
  },
  {
    name: "class instance",
    given: () => ({ p: new Point(1, 2) }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/p",
    message: ["instance of Point"],
  },
  {
    name: "object with a custom prototype",
    given: () => ({ o: Object.create({ inherited: 1 }) }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/o",
    message: ["custom prototype"],
  },
  {
    name: "__proto__ in a literal sets the prototype",
    given: () => ({ o: { __proto__: { polluted: true }, a: 1 } }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/o",
  },
  {
    name: "boxed String",
    given: () => ({ s: Object("x") }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/s",
    message: ["boxed String"],
  },
  {
    name: "boxed Number",
    given: () => [Object(1)],
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/0",
    message: ["Number"],
  },
  {
    name: "boxed Boolean",
    given: () => Object(false),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data",
    message: ["Boolean"],
  },
  {
    name: "plain object with toJSON",
    given: () => ({ v: { toJSON: () => "x" } }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/v",
    message: ["toJSON"],
  },
  {
    name: "null-prototype object with toJSON",
    given: () => ({ v: Object.assign(Object.create(null), { toJSON: () => 1 }) }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/v",
  },
  {
    name: "array with toJSON",
    given: () => ({ v: Object.assign([1], { toJSON: () => [] }) }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/v",
  },
  {
    name: "getter returning a Date",
    given: () => ({
      get at() {
        return new Date(0);
      },
    }),
    code: "POSTBUS_JSON_NOT_PLAIN",
    pointer: "/data/at",
  },
  // circular
  {
    name: "object referencing itself",
    given: () => circular,
    code: "POSTBUS_JSON_CIRCULAR",
    pointer: "/data/self",
    message: ["ancestor at /data"],
  },
  {
    name: "deep back-reference to the root",
    given: () => deepCircular,
    code: "POSTBUS_JSON_CIRCULAR",
    pointer: "/data/a/b/1",
  },
  {
    name: "array containing itself",
    given: () => selfArray,
    code: "POSTBUS_JSON_CIRCULAR",
    pointer: "/data/0",
  },
  {
    name: "loop below the root",
    given: () => ({ x: [innerLoop] }),
    code: "POSTBUS_JSON_CIRCULAR",
    pointer: "/data/x/0/again",
    message: ["ancestor at /data/x/0"],
  },
  // sparse arrays
  {
    name: "hole",
    given: () => ({ list: sparse }),
    code: "POSTBUS_JSON_SPARSE_ARRAY",
    pointer: "/data/list/1",
  },
  { name: "new Array(3)", given: () => new Array(3), code: "POSTBUS_JSON_SPARSE_ARRAY", pointer: "/data/0" },
  {
    name: "hole at the end",
    given: () => {
      const list = [1, 2];
      list.length = 3;
      return list;
    },
    code: "POSTBUS_JSON_SPARSE_ARRAY",
    pointer: "/data/2",
  },
  // NUL
  {
    name: "NUL in a string",
    given: () => ({ s: "a\u0000b" }),
    code: "POSTBUS_JSON_NUL_CHARACTER",
    pointer: "/data/s",
    message: ["U+0000", "jsonb"],
  },
  {
    name: "NUL in a key",
    given: () => ({ "a\u0000": 1 }),
    code: "POSTBUS_JSON_NUL_CHARACTER",
    pointer: "/data/a\u0000",
    message: ["Key at /data/a\\u0000"],
  },
  // lone surrogates
  {
    name: "lone high surrogate",
    given: () => ({ s: "ok\uD83D" }),
    code: "POSTBUS_JSON_LONE_SURROGATE",
    pointer: "/data/s",
    message: ["U+D83D at index 2"],
  },
  {
    name: "lone low surrogate",
    given: () => ["\uDE00x"],
    code: "POSTBUS_JSON_LONE_SURROGATE",
    pointer: "/data/0",
    message: ["U+DE00 at index 0"],
  },
  {
    name: "surrogates in the wrong order",
    given: () => "\uDE00\uD83D",
    code: "POSTBUS_JSON_LONE_SURROGATE",
    pointer: "/data",
  },
  {
    name: "high surrogate followed by a high surrogate",
    given: () => ({ s: "\uD83D\uD83D\uDE00" }),
    code: "POSTBUS_JSON_LONE_SURROGATE",
    pointer: "/data/s",
    message: ["index 0"],
  },
  {
    name: "lone surrogate in a key",
    given: () => ({ x: { "k\uD800": 1 } }),
    code: "POSTBUS_JSON_LONE_SURROGATE",
    pointer: "/data/x/k\uD800",
    message: ["/data/x/k\\uD800"],
  },
  // forbidden keys
  {
    name: "__proto__ from JSON.parse",
    given: () => JSON.parse('{"a":1,"__proto__":{"polluted":true}}'),
    code: "POSTBUS_JSON_FORBIDDEN_KEY",
    pointer: "/data/__proto__",
  },
  {
    name: "__proto__ from Object.defineProperty",
    given: () => ({ nested: withDefined("__proto__", { polluted: true }) }),
    code: "POSTBUS_JSON_FORBIDDEN_KEY",
    pointer: "/data/nested/__proto__",
  },
  {
    name: "__proto__ from a computed key",
    given: () => ({ ["__proto__"]: 1 }),
    code: "POSTBUS_JSON_FORBIDDEN_KEY",
    pointer: "/data/__proto__",
  },
  {
    name: "constructor",
    given: () => [{ constructor: "x" }],
    code: "POSTBUS_JSON_FORBIDDEN_KEY",
    pointer: "/data/0/constructor",
  },
  {
    name: "prototype",
    given: () => ({ prototype: {} }),
    code: "POSTBUS_JSON_FORBIDDEN_KEY",
    pointer: "/data/prototype",
  },
  // pointer escaping
  {
    name: "keys with ~ and / are escaped",
    given: () => ({ "a/b": { "c~d": { "~1": undefined } } }),
    code: "POSTBUS_JSON_UNDEFINED",
    pointer: "/data/a~1b/c~0d/~01",
  },
  { name: "empty key", given: () => ({ "": undefined }), code: "POSTBUS_JSON_UNDEFINED", pointer: "/data/" },
  // depth
  {
    name: "object one level too deep",
    given: () => ({ a: { b: { c: {} } } }),
    limits: { maxDepth: 2, maxBytes: 1000 },
    code: "POSTBUS_JSON_TOO_DEEP",
    pointer: "/data/a/b/c",
    message: ["3 levels", "limit of 2"],
  },
  {
    name: "array one level too deep",
    given: () => [[[[]]]],
    limits: { maxDepth: 2, maxBytes: 1000 },
    code: "POSTBUS_JSON_TOO_DEEP",
    pointer: "/data/0/0/0",
  },
  {
    name: "maxDepth 0 rejects any nested container",
    given: () => ({ a: 1, b: [] }),
    limits: { maxDepth: 0, maxBytes: 1000 },
    code: "POSTBUS_JSON_TOO_DEEP",
    pointer: "/data/b",
  },
  {
    name: "default limit + 1",
    given: () => nested(DEFAULT_JSON_LIMITS.maxDepth + 1),
    code: "POSTBUS_JSON_TOO_DEEP",
    pointer: `/data${"/a".repeat(DEFAULT_JSON_LIMITS.maxDepth + 1)}`,
  },
  {
    name: "a million levels (stack-safe)",
    given: () => nested(1_000_000),
    code: "POSTBUS_JSON_TOO_DEEP",
    pointer: `/data${"/a".repeat(DEFAULT_JSON_LIMITS.maxDepth + 1)}`,
  },
  // size
  {
    name: "too large (exact size reported)",
    given: () => ({ s: "é".repeat(30) }),
    limits: { maxDepth: 8, maxBytes: 50 },
    code: "POSTBUS_JSON_TOO_LARGE",
    pointer: "/data",
    message: ["68 bytes", "limit of 50 bytes"],
  },
  {
    name: "far too large (rejected during the walk)",
    given: () => Array.from({ length: 20_000 }, () => "x".repeat(100)),
    code: "POSTBUS_JSON_TOO_LARGE",
    pointer: "/data",
    message: ["at least", "limit of 1048576 bytes"],
  },
];

describe("toCheckedJson rejects", () => {
  it.each(rejected)("$name → $code at $pointer", ({ given, code, pointer, limits, message, hint }) => {
    const error = rejection(given(), limits);
    expect(error.code).toBe(code);
    expect(error.subject).toEqual({ pointer, eventType: "order.placed", index: 3 });
    expect(error.name).toBe("PostbusInputError");
    expect(error.hint).toEqual(expect.any(String));
    expect(error.hint!.length).toBeGreaterThan(0);
    for (const part of message ?? []) expect(error.message).toContain(part);
    if (hint !== undefined) expect(error.hint).toContain(hint);
  });

  it("reports the first problem in JSON.stringify order", () => {
    const error = rejection({ a: [1, { b: Number.NaN }], c: undefined });
    expect(error.code).toBe("POSTBUS_JSON_NON_FINITE");
    expect(error.subject.pointer).toBe("/data/a/1/b");
  });

  it("omits eventType and index when the context has none, and uses the given prefix", () => {
    const error = rejection({ x: undefined }, undefined, { pointer: "/metadata" });
    expect(error.subject).toEqual({ pointer: "/metadata/x" });
    expect(Object.keys(error.subject)).toEqual(["pointer"]);
    const root = rejection(undefined, undefined, { pointer: "" });
    expect(root.subject).toEqual({ pointer: "" });
    expect(root.message).toContain("document root");
  });

  it.each([
    [{ maxDepth: -1, maxBytes: 10 }, "limits.maxDepth"],
    [{ maxDepth: 1.5, maxBytes: 10 }, "limits.maxDepth"],
    [{ maxDepth: Number.NaN, maxBytes: 10 }, "limits.maxDepth"],
    [{ maxDepth: MAX_JSON_DEPTH + 1, maxBytes: 10 }, "limits.maxDepth"],
    [{ maxDepth: 1, maxBytes: 0 }, "limits.maxBytes"],
    [{ maxDepth: 1, maxBytes: Infinity }, "limits.maxBytes"],
  ])("invalid limits %o → POSTBUS_OPTIONS_INVALID (%s)", (limits, field) => {
    const error = rejection({}, limits);
    expect(error.code).toBe("POSTBUS_OPTIONS_INVALID");
    expect(error.subject.field).toBe(field);
  });
});

interface Accepted {
  readonly name: string;
  readonly given: () => unknown;
  readonly want: string;
  readonly limits?: JsonLimits;
}

class List extends Array<number> {}

const shared = { x: 1 };
const emoji = "😀👍🏽🇳🇱"; // surrogate pairs, a skin-tone modifier and a flag

const accepted: readonly Accepted[] = [
  { name: "null", given: () => null, want: "null" },
  { name: "boolean", given: () => false, want: "false" },
  { name: "string", given: () => "hi", want: '"hi"' },
  { name: "number", given: () => 1.5e300, want: "1.5e+300" },
  { name: "-0", given: () => -0, want: "0" },
  { name: "-0 nested", given: () => ({ a: [-0] }), want: '{"a":[0]}' },
  { name: "empty object", given: () => ({}), want: "{}" },
  { name: "empty array", given: () => [], want: "[]" },
  { name: "empty containers nested", given: () => [[], {}, [{}]], want: "[[],{},[{}]]" },
  {
    name: "nested plain objects",
    given: () => ({
      order: { id: "o-1", lines: [{ sku: "a", qty: 2, price: 9.99 }], paid: true, note: null },
    }),
    want: '{"order":{"id":"o-1","lines":[{"sku":"a","qty":2,"price":9.99}],"paid":true,"note":null}}',
  },
  {
    name: "null-prototype objects",
    given: () => Object.assign(Object.create(null), { a: Object.assign(Object.create(null), { b: 1 }) }),
    want: '{"a":{"b":1}}',
  },
  {
    name: "unicode values and keys",
    given: () => ({ "clé 🔑": `héllo 日本語 ${emoji}`, [emoji]: "\uD83D\uDE00" }),
    want: `{"clé 🔑":"héllo 日本語 ${emoji}","${emoji}":"😀"}`,
  },
  { name: "escapes", given: () => ({ s: 'q"\\\n\t\u0001' }), want: '{"s":"q\\"\\\\\\n\\t\\u0001"}' },
  {
    name: "shared (non-circular) references",
    given: () => ({ a: shared, b: shared, c: [shared, shared] }),
    want: '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]}',
  },
  {
    name: "keys that only look dangerous",
    given: () => ({ proto: 1, __proto: 2, Constructor: 3, toJSON: "not a function" }),
    want: '{"proto":1,"__proto":2,"Constructor":3,"toJSON":"not a function"}',
  },
  {
    name: "non-enumerable properties are ignored, like JSON does",
    given: () => Object.defineProperty({ a: 1 }, "hidden", { value: undefined, enumerable: false }),
    want: '{"a":1}',
  },
  {
    name: "non-enumerable symbol keys are ignored",
    given: () => withDefined(Symbol("brand"), true, false),
    want: "{}",
  },
  {
    name: "enumerable getters are read as values",
    given: () => ({
      get total() {
        return 3;
      },
    }),
    want: '{"total":3}',
  },
  {
    name: "array subclass instances are arrays",
    given: () => ({ list: List.from([1, 2]) }),
    want: '{"list":[1,2]}',
  },
  {
    name: "depth exactly at the default limit",
    given: () => nested(DEFAULT_JSON_LIMITS.maxDepth),
    want: `${'{"a":'.repeat(DEFAULT_JSON_LIMITS.maxDepth)}{}${"}".repeat(DEFAULT_JSON_LIMITS.maxDepth)}`,
  },
  {
    name: "depth exactly at a custom limit",
    given: () => ({ a: { b: { c: 1 } } }),
    limits: { maxDepth: 2, maxBytes: 1000 },
    want: '{"a":{"b":{"c":1}}}',
  },
  {
    name: "maxDepth 0 allows a flat object",
    given: () => ({ a: 1, b: "x" }),
    limits: { maxDepth: 0, maxBytes: 1000 },
    want: '{"a":1,"b":"x"}',
  },
  {
    name: "deep nesting with a raised limit",
    given: () => nested(MAX_JSON_DEPTH),
    limits: { maxDepth: MAX_JSON_DEPTH, maxBytes: 1_000_000 },
    want: `${'{"a":'.repeat(MAX_JSON_DEPTH)}{}${"}".repeat(MAX_JSON_DEPTH)}`,
  },
];

describe("toCheckedJson accepts", () => {
  it.each(accepted)("$name", ({ given, want, limits }) => {
    expect(toCheckedJson(given(), context, limits)).toBe(want);
  });

  it("accepts a text of exactly maxBytes UTF-8 bytes and rejects one byte less", () => {
    const value = { s: `é${emoji}x`, n: [1, 2] };
    const text = JSON.stringify(value);
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThan(text.length); // multi-byte characters are counted as bytes
    expect(toCheckedJson(value, context, { maxDepth: 4, maxBytes: bytes })).toBe(text);
    const error = rejection(value, { maxDepth: 4, maxBytes: bytes - 1 });
    expect(error.code).toBe("POSTBUS_JSON_TOO_LARGE");
    expect(error.message).toContain(`${bytes} bytes`);
    expect(error.message).toContain(`limit of ${bytes - 1} bytes`);
  });

  it("accepts a large payload at exactly the default limit", () => {
    const value = "x".repeat(DEFAULT_JSON_LIMITS.maxBytes - 2);
    expect(toCheckedJson(value, context)).toHaveLength(DEFAULT_JSON_LIMITS.maxBytes);
    expect(rejection(`${value}x`).code).toBe("POSTBUS_JSON_TOO_LARGE");
  });

  it("reads each getter once during the check", () => {
    let reads = 0;
    const value = {
      get n() {
        reads++;
        return 1;
      },
    };
    toCheckedJson(value, context);
    expect(reads).toBe(2); // once by the check, once by JSON.stringify
  });

  it("exposes frozen defaults", () => {
    expect(DEFAULT_JSON_LIMITS).toEqual({ maxDepth: 64, maxBytes: 1_048_576 });
    expect(Object.isFrozen(DEFAULT_JSON_LIMITS)).toBe(true);
  });
});

// --- property-style tests --------------------------------------------------

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = [
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "/",
  "~",
  "\n",
  "\u0001",
  "\u007f",
  "é",
  "日",
  "😀",
  "👍🏽",
  "\u2028",
];
const forbidden = new Set(["__proto__", "constructor", "prototype"]);

interface Generated {
  readonly value: unknown;
  /** Every object and array in the value, with its pointer relative to the root. */
  readonly containers: { readonly pointer: string; readonly node: object }[];
}

function generate(random: () => number): Generated {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const containers: { pointer: string; node: object }[] = [];
  const text = (max: number) => Array.from({ length: int(max) }, () => pick(alphabet)).join("");
  const number = (): number => {
    const n = pick([
      () => int(2000) - 1000,
      () => (random() - 0.5) * 10 ** (int(40) - 20),
      () => Number.MAX_SAFE_INTEGER,
      () => Number.MIN_VALUE,
      () => 0,
    ])();
    return Object.is(n, -0) ? 0 : n; // -0 is accepted but parses back as 0
  };
  const escapeKey = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
  const value = (depth: number, pointer: string): unknown => {
    const kind = int(depth >= 5 ? 4 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return random() < 0.5;
      case 2:
        return number();
      case 3:
        return text(12);
      case 4: {
        const list: unknown[] = [];
        containers.push({ pointer, node: list });
        const length = int(5);
        for (let i = 0; i < length; i++) list.push(value(depth + 1, `${pointer}/${i}`));
        return list;
      }
      default: {
        const object: Record<string, unknown> = random() < 0.2 ? Object.create(null) : {};
        containers.push({ pointer, node: object });
        const size = int(5);
        for (let i = 0; i < size; i++) {
          const key = text(6);
          if (forbidden.has(key) || key in object) continue;
          object[key] = value(depth + 1, `${pointer}/${escapeKey(key)}`);
        }
        return object;
      }
    }
  };
  return { value: value(0, ""), containers };
}

describe("toCheckedJson on generated values", () => {
  it("round-trips 500 random valid JSON values unchanged", () => {
    const random = prng(0x5eed);
    for (let run = 0; run < 500; run++) {
      const { value } = generate(random);
      const text = toCheckedJson(value, context);
      expect(text).toBe(JSON.stringify(value));
      expect(JSON.parse(text)).toEqual(value);
    }
  });

  it("points at a bad value injected at a random spot in 300 random values", () => {
    const random = prng(42);
    const bad: readonly [unknown, string][] = [
      [undefined, "POSTBUS_JSON_UNDEFINED"],
      [Number.NaN, "POSTBUS_JSON_NON_FINITE"],
      [new Date(0), "POSTBUS_JSON_NOT_PLAIN"],
      [2n, "POSTBUS_JSON_BIGINT"],
      ["x\u0000", "POSTBUS_JSON_NUL_CHARACTER"],
      ["\uD800", "POSTBUS_JSON_LONE_SURROGATE"],
    ];
    let checked = 0;
    for (let run = 0; run < 300; run++) {
      const { value, containers } = generate(random);
      if (containers.length === 0) continue;
      const target = containers[Math.floor(random() * containers.length)]!;
      const [injected, code] = bad[Math.floor(random() * bad.length)]!;
      let pointer: string;
      if (Array.isArray(target.node)) {
        pointer = `${target.pointer}/${target.node.length}`;
        target.node.push(injected);
      } else {
        pointer = `${target.pointer}/b~0a~1d`;
        (target.node as Record<string, unknown>)["b~a/d"] = injected;
      }
      const error = rejection(value, undefined, { pointer: "/data" });
      expect({ code: error.code, pointer: error.subject.pointer }).toEqual({
        code,
        pointer: `/data${pointer}`,
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
