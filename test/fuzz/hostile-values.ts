/**
 * fast-check arbitraries for values that try to break input checking: null-prototype objects,
 * throwing getters and `toString`s, Proxies, symbols, bigints, NaN, sparse arrays, lone
 * surrogates and NUL characters, class instances, cycles.
 *
 * The arbitraries produce *plans* (plain data that fast-check can print and shrink); `build(plan)`
 * makes the hostile value inside the property, so fast-check itself never touches a trap.
 */
import fc from "fast-check";

const boom = () => {
  throw new Error("boom from a hostile value");
};

/** Values that run code (or have no prototype) when looked at, made fresh each time. */
const TRAPS: ReadonlyArray<() => unknown> = [
  () => Object.create(null),
  () => Object.assign(Object.create(null), { a: 1 }),
  () => ({ toString: boom }),
  () => ({ [Symbol.toPrimitive]: boom }),
  () => ({ toJSON: boom }),
  () => Object.defineProperty({}, "x", { get: boom, enumerable: true }),
  () => new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, has: boom }),
  () => new Proxy([], { get: boom }),
  () => Symbol("s"),
  () => 10n,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -0,
  () => undefined,
  () => () => 1,
  () => new Date(),
  () => new Map([[1, 2]]),
  () => new Uint8Array(2),
  // biome-ignore lint/suspicious/noSparseArray: a sparse array is the point
  () => [1, , 3],
  () => "\u0000",
  () => "\ud800",
  () => "a\udfffb",
  () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    return cycle;
  },
  () => JSON.parse('{"__proto__": {"polluted": true}}'),
];

/** A printable recipe for a value. */
export type Plan =
  | { readonly json: unknown }
  | { readonly trap: number }
  | { readonly array: readonly Plan[] }
  | { readonly dict: ReadonlyArray<readonly [string, Plan]> };

/** Makes the value a plan describes. */
export function build(plan: Plan): unknown {
  if ("trap" in plan) return TRAPS[plan.trap]!();
  if ("array" in plan) return plan.array.map(build);
  if ("dict" in plan) return Object.fromEntries(plan.dict.map(([key, value]) => [key, build(value)]));
  return plan.json;
}

const json = (value: unknown): Plan => ({ json: value });

/** One of the traps. */
export const trap: fc.Arbitrary<Plan> = fc
  .integer({ min: 0, max: TRAPS.length - 1 })
  .map((index): Plan => ({ trap: index }));

/** Anything: JSON-like values, hostile ones, and structures mixing both. */
export const hostileValue: fc.Arbitrary<Plan> = fc.letrec<{ value: Plan }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue().map(json),
    trap,
    fc.string().map(json),
    fc.array(tie("value"), { maxLength: 4 }).map((array): Plan => ({ array })),
    fc
      .array(fc.tuple(fc.string({ maxLength: 6 }), tie("value")), { maxLength: 4 })
      .map((dict): Plan => ({ dict })),
  ),
})).value;

/** Names: mostly near the allow-list (so some pass), plus anything hostile. */
export const hostileName: fc.Arbitrary<Plan> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{1,10}([._:-][A-Za-z0-9]{1,10}){0,3}$/).map(json),
  fc.string({ maxLength: 60 }).map(json),
  fc.string({ unit: "grapheme", maxLength: 20 }).map(json),
  fc.constantFrom("", " ", "a..b", "pg_catalog", "x".repeat(51), 'a"b', "a;drop table events").map(json),
  trap,
  fc.integer().map(json),
  fc.array(fc.string(), { maxLength: 2 }).map(json),
);

/** A plan of an integer, for options that take one. */
export const integerPlan: fc.Arbitrary<Plan> = fc.integer().map(json);
