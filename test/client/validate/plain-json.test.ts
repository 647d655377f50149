import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_JSON_LIMITS, walkCheckedJson } from "../../../packages/client/src/validate/check-json.js";
import { isPlainJson } from "../../../packages/client/src/validate/plain-json.js";

/** What the full checking walk says of a value: its JSON text, or the error code. */
function walk(value: unknown, limits = DEFAULT_JSON_LIMITS): { ok: true; text: string } | { ok: false } {
  try {
    return { ok: true, text: walkCheckedJson(value, { pointer: "/data" }, limits) };
  } catch {
    return { ok: false };
  }
}

// The fast path of toCheckedJson must accept exactly what the checking walk accepts.
describe("isPlainJson (toCheckedJson's fast path)", () => {
  it("agrees with the checking walk on arbitrary values, hostile ones included", () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
      maxDepth: 6,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const verdict = walk(value);
        expect(isPlainJson(value, DEFAULT_JSON_LIMITS.maxDepth, DEFAULT_JSON_LIMITS.maxBytes)).toBe(
          verdict.ok,
        );
        if (verdict.ok) expect(JSON.stringify(value)).toBe(verdict.text);
      }),
      { numRuns: 3_000 },
    );
  });

  it("says no to each thing the walk rejects", () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const withSymbol = { [Symbol("s")]: 1 };
    const rejected: unknown[] = [
      undefined,
      () => 1,
      Symbol("s"),
      10n,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Date(),
      new Map(),
      { toJSON: () => 1 },
      Object.assign([1], { toJSON: () => 1 }),
      sparse,
      [undefined],
      { a: undefined },
      circular,
      withSymbol,
      "a\u0000b",
      "\uD800",
      { "\uDC00": 1 },
      JSON.parse('{"__proto__": 1}'),
      { constructor: 1 },
      { prototype: 1 },
      new (class Point {})(),
      {
        get boom() {
          throw new Error("getter");
        },
      },
    ];
    for (const value of rejected) {
      expect(walk(value).ok, String(value)).toBe(false);
      expect(isPlainJson(value, 64, 1_048_576)).toBe(false);
    }
  });

  it("stops at the depth and size limits as the walk does", () => {
    let deep: unknown = 1;
    for (let level = 0; level < 10; level++) deep = [deep];
    // Ten arrays: the outermost at depth 0, the innermost at depth 9.
    expect(walk(deep, { maxDepth: 8, maxBytes: 1_048_576 }).ok).toBe(false);
    expect(isPlainJson(deep, 8, 1_048_576)).toBe(false);
    expect(walk(deep, { maxDepth: 9, maxBytes: 1_048_576 }).ok).toBe(true);
    expect(isPlainJson(deep, 9, 1_048_576)).toBe(true);
    const big = Array.from({ length: 20_000 }, () => "x".repeat(100));
    expect(isPlainJson(big, 64, 1_048_576)).toBe(false);
    expect(isPlainJson({ a: "x".repeat(10) }, 64, 1_048_576)).toBe(true);
  });
});
