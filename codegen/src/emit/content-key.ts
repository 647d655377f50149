import { createHash } from "node:crypto";

/**
 * A short digest of JSON data, for the keys of emitter memos: equal data, equal key. Maps are
 * written as their entry lists and Sets as their values (plain `JSON.stringify` writes both as `{}`,
 * which would make different data share a key).
 *
 * @example
 * ```ts
 * contentKey({ a: 1 }) === contentKey({ a: 1 }); // true
 * contentKey(new Map([["a", 1]])) === contentKey(new Map()); // false
 * ```
 */
export function contentKey(value: unknown): string {
  return createHash("sha1").update(JSON.stringify(value, collections)).digest("base64");
}

function collections(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { map: [...value] };
  if (value instanceof Set) return { set: [...value] };
  return value;
}
