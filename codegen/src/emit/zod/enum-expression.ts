import { literal, propertyKey } from "./code-text.js";
import type { ZodEmitContext } from "./zod-context.js";

/** The TypeScript type of a JSON value as a literal type, e.g. `{ side: "buy"; qty: 1 }`. */
export function literalType(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literalType).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => `${propertyKey(key)}: ${literalType(item)}`);
    return entries.length === 0 ? "Record<string, never>" : `{ ${entries.join("; ")} }`;
  }
  return literal(value);
}

/**
 * `enum`/`const` after filtering by `type`: `z.enum` for strings, `z.literal` for other primitives,
 * and a deep-equality `z.custom` when an allowed value is an object or array.
 */
export function enumExpression(values: readonly unknown[], context: ZodEmitContext): string {
  const unique = values.filter(
    (value, index) => values.findIndex((other) => literal(other) === literal(value)) === index,
  );
  if (unique.length === 0) return "z.never()";
  if (unique.every((value) => typeof value === "string")) return `z.enum(${literal(unique)})`;
  if (unique.every((value) => value === null || typeof value !== "object")) {
    if (unique.length === 1) return unique[0] === null ? "z.null()" : `z.literal(${literal(unique[0])})`;
    return `z.literal(${literal(unique)})`;
  }
  context.use("jsonEqual");
  const type = unique.map(literalType).join(" | ");
  return `z.custom<${type}>((value) => ${literal(unique)}.some((option) => jsonEqual(value, option)), {\n  message: "must be one of the enum values",\n})`;
}
