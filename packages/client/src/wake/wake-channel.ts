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
