/**
 * A short description of any value for an error message, that never runs the value's own code:
 * no `toString`, `toJSON` or getters, so a null-prototype object, a throwing `toString` or a
 * Proxy cannot turn a coded error into an uncoded `TypeError`.
 *
 * @example
 * ```ts
 * describeValue("signal triggered"); // "\"signal triggered\""
 * describeValue(Object.create(null)); // "(an object)"
 * describeValue(12n); // "12n"
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      if (value === "") return "(an empty string)";
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return "(a symbol)";
    case "function":
      return "(a function)";
    default:
      if (value === null) return "null";
      return Array.isArray(value) ? "(an array)" : "(an object)";
  }
}
