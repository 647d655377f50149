/** Small helpers for writing TypeScript source text. */

/** A JavaScript literal for a JSON value, spaced like formatted code: `["a", 1]`, `{ a: [] }`. */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => `${propertyKey(key)}: ${literal(item)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * An object-literal key: bare when it is an identifier, quoted otherwise; `["__proto__"]` computed, since
 * `__proto__:` (quoted or not) in an object literal sets the prototype instead of making a key.
 */
export const propertyKey = (key: string): string =>
  key === "__proto__" ? '["__proto__"]' : IDENTIFIER.test(key) ? key : JSON.stringify(key);

/** Indents every line but the first, for nesting a multi-line expression. */
export const indentTail = (text: string, indent = "  "): string => text.split("\n").join(`\n${indent}`);

/** `[a, b]` on one line when short, one item per line otherwise. */
export function listText(open: string, items: readonly string[], close: string): string {
  const flat = `${open}${items.join(", ")}${close}`;
  if (flat.length <= 80 && !flat.includes("\n")) return flat;
  return `${open}\n${items.map((item) => `  ${indentTail(item)},`).join("\n")}\n${close}`;
}

/** A regular expression literal for a JSON Schema `pattern` (ECMAScript, `u` flag, unanchored). */
export const patternLiteral = (pattern: string): string => `new RegExp(${literal(pattern)}, "u")`;
