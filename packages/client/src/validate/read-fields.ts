import { PostbusInputError } from "../errors/postbus-error.js";

/**
 * Copies `keys` of an options object into a plain object, reading each once, so a getter or
 * Proxy that throws becomes `POSTBUS_OPTIONS_INVALID` naming `field` instead of a `TypeError`,
 * and later checks see values that cannot change under them. Not an object: returns undefined.
 *
 * @example
 * ```ts
 * const { group, channels } = readFields(options, ["group", "channels"], "options") ?? {};
 * ```
 */
export function readFields<Key extends string>(
  value: unknown,
  keys: readonly Key[],
  field: string,
  index?: number,
): Partial<Record<Key, unknown>> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const copy: Partial<Record<Key, unknown>> = {};
  try {
    for (const key of keys) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) copy[key] = item;
    }
  } catch {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", `Reading ${field} threw`, {
      subject: { field, ...(index === undefined ? {} : { index }) },
      hint: "Pass a plain object (no getters or Proxies that throw)",
    });
  }
  return copy;
}
