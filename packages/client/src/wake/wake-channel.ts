/**
 * The NOTIFY channel that wakes readers of one schema's events table:
 * `postbus.<schema>`. Payloads are comma-separated event channels, or empty
 * for "look at every channel". They never carry event data.
 */
export function wakeChannel(schema: string): string {
  return `postbus.${schema}`;
}

/** Largest payload Postbus sends; PostgreSQL's limit is 8000 bytes. Longer lists become "" (wake all). */
export const MAX_WAKE_PAYLOAD = 7_900;

/**
 * The wake-up payload for a set of channels: their names, each once, comma-separated; "" (look at
 * every channel) when that would be longer than {@link MAX_WAKE_PAYLOAD}.
 *
 * @example
 * ```ts
 * wakePayload(["orders", "risk", "orders"]); // "orders,risk"
 * ```
 */
export function wakePayload(channels: Iterable<string>): string {
  const payload = [...new Set(channels)].join(",");
  return payload.length > MAX_WAKE_PAYLOAD ? "" : payload;
}
