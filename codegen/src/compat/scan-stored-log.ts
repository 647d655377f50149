/**
 * Reads stored events channel by channel in delivery order with the runtime's own reader
 * (rows of ADR-only writers included), a page at a time, and hands each to a visitor: the
 * one pass over the log that `postbus check`'s stored-event checks share.
 */
import type { Postbus, StoredEvent } from "@postbus/client";

/** Options of {@link scanStoredLog}. */
export interface ScanOptions {
  /** Read only the newest `sample` events of each channel (oldest first); all of them when absent. */
  readonly sample?: number | undefined;
  /** Called after each page with the number of events read so far (a progress line). */
  readonly onProgress?: ((read: number) => void) | undefined;
}

const PAGE = 1000;

/**
 * Calls `visit` for every stored event of `channels` (sorted by name, each in delivery
 * order) and returns how many were read. Memory stays flat: one page at a time.
 *
 * @example
 * ```ts
 * const read = await scanStoredLog(bus, ["orders"], {}, (event) => counts.add(event.type));
 * ```
 */
export async function scanStoredLog(
  bus: Pick<Postbus, "readEvents" | "getLatestEvents">,
  channels: Iterable<string>,
  options: ScanOptions,
  visit: (event: StoredEvent) => void,
): Promise<number> {
  let read = 0;
  for (const channel of [...new Set(channels)].sort()) {
    if (options.sample !== undefined) {
      const newest = await bus.getLatestEvents(channel, { limit: options.sample });
      for (const event of newest.reverse()) visit(event);
      read += newest.length;
      options.onProgress?.(read);
      continue;
    }
    let after: string | undefined;
    for (;;) {
      const page = await bus.readEvents(channel, { limit: PAGE, ...(after === undefined ? {} : { after }) });
      for (const event of page) visit(event);
      read += page.length;
      options.onProgress?.(read);
      if (page.length < PAGE) break;
      after = page.at(-1)?.position;
    }
  }
  return read;
}
