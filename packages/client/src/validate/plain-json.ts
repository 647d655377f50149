/**
 * The fast path of `toCheckedJson`: whether a value is plain JSON data that survives
 * `JSON.stringify`, `JSON.parse` and a PostgreSQL `jsonb` round trip unchanged — by the same rules
 * as the checking walk, but with no bookkeeping for error reports. It answers only yes or no:
 * on "no" (or when reading the value throws) the caller runs the full walk, which finds the first
 * problem and reports it with its JSON pointer. Recursion is bounded by `maxDepth`, so a circular
 * value answers "no" once it is nested deeper than that; and a value whose JSON is surely over
 * `maxBytes` answers "no" as soon as that is known, before it is serialized.
 *
 * @example
 * ```ts
 * isPlainJson({ total: 12.5, items: [] }, 64); // true
 * isPlainJson({ at: new Date() }, 64); // false
 * ```
 */
export function isPlainJson(value: unknown, maxDepth: number, maxBytes = Number.POSITIVE_INFINITY): boolean {
  minBytes = 0;
  byteLimit = maxBytes;
  try {
    return plain(value, 0, maxDepth);
  } catch {
    return false;
  }
}

/** A lower bound of the UTF-8 size of the JSON seen so far in the current call, and its limit. */
let minBytes = 0;
let byteLimit = Number.POSITIVE_INFINITY;

function plain(value: unknown, depth: number, maxDepth: number): boolean {
  switch (typeof value) {
    case "string":
      minBytes += value.length + 2;
      return minBytes <= byteLimit && plainString(value);
    case "number":
      minBytes += 1;
      return Number.isFinite(value);
    case "boolean":
      minBytes += 4;
      return true;
    case "object":
      minBytes += value === null ? 4 : 2;
      if (minBytes > byteLimit) return false;
      if (value === null) return true;
      if (depth > maxDepth) return false;
      return Array.isArray(value) ? plainArray(value, depth, maxDepth) : plainObject(value, depth, maxDepth);
    default:
      return false;
  }
}

function plainArray(array: readonly unknown[], depth: number, maxDepth: number): boolean {
  if (typeof (array as { toJSON?: unknown }).toJSON === "function") return false;
  for (let index = 0; index < array.length; index++) {
    const item = array[index];
    if (item === undefined) return false; // undefined, or a hole
    if (!plain(item, depth + 1, maxDepth)) return false;
  }
  return true;
}

function plainObject(object: object, depth: number, maxDepth: number): boolean {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return false;
  if (Object.getOwnPropertySymbols(object).length > 0) return false;
  const record = object as Readonly<Record<string, unknown>>;
  // for…in walks the own keys in Object.keys order without building an array; an inherited
  // enumerable key (a polluted Object.prototype) sends the value to the full walk instead.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    minBytes += key.length + 3;
    if (key === "__proto__" || key === "constructor" || key === "prototype" || !plainString(key))
      return false;
    if (!plain(record[key], depth + 1, maxDepth)) return false;
  }
  return true;
}

function plainString(text: string): boolean {
  return !text.includes("\u0000") && isWellFormed(text);
}

interface StringWithWellFormed {
  isWellFormed(): boolean;
}

/**
 * Matches a high surrogate not followed by a low one, or a low one not preceded by a high one.
 *
 * @example
 * ```ts
 * "a\uD800".search(LONE_SURROGATE); // 1
 * ```
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string has no lone surrogate: `String.prototype.isWellFormed` (Node 20+, ES2024), or
 * {@link LONE_SURROGATE} where it is missing. Shared by the fast check and the checking walk.
 *
 * @example
 * ```ts
 * isWellFormed("\uD800"); // false
 * ```
 */
export const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as Partial<StringWithWellFormed>).isWellFormed === "function"
    ? (text) => (text as unknown as StringWithWellFormed).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);
