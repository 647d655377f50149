/**
 * The producer side: one `send <channel>` PRODUCER span per publish (one event or a batch),
 * whose context is injected into each event's metadata as the creation context, unless the
 * event already carries one (a custom creation context, kept and linked); and
 * `messaging.client.sent.messages`.
 */
import { type Attributes, context, type Link, SpanKind, trace } from "@opentelemetry/api";
import type { StoredEvent } from "../../envelope.js";
import type { PublishItem } from "../../publish/publish-item.js";
import type { Instruments } from "./instruments.js";
import { ATTR, MESSAGING_SYSTEM } from "./messaging-attributes.js";
import { markSpanFailed } from "./span-failure.js";
import { readTraceContext, traceFields } from "./trace-context.js";

/** Publishes `items` through `write` inside a send span. */
export async function sendWithSpan(
  instruments: Instruments,
  items: readonly PublishItem[],
  write: (items: readonly PublishItem[]) => Promise<StoredEvent[]>,
): Promise<StoredEvent[]> {
  const channels = channelsOf(items);
  const destination = channels.length === 1 ? channels[0] : undefined;
  const attributes: Attributes = {
    [ATTR.system]: MESSAGING_SYSTEM,
    [ATTR.operationName]: "send",
    [ATTR.operationType]: "send",
  };
  if (destination !== undefined) attributes[ATTR.destination] = destination;
  if (Array.isArray(items) && items.length !== 1) attributes[ATTR.batchCount] = items.length;
  const span = instruments.tracer.startSpan(destination === undefined ? "send" : `send ${destination}`, {
    kind: SpanKind.PRODUCER,
    attributes,
  });
  const { items: traced, links } = withCreationContext(items, traceFields(span.spanContext()));
  if (links.length > 0) span.addLinks(links);
  try {
    const stored = await context.with(trace.setSpan(context.active(), span), () => write(traced));
    if (stored.length === 1) {
      const event = stored[0]!;
      span.setAttribute(ATTR.messageId, String(event.envelope.metadata.event_id));
      span.setAttribute(ATTR.position, event.position);
      span.setAttribute(ATTR.eventType, event.type);
    }
    countSent(instruments, stored);
    return stored;
  } catch (error) {
    const failure = markSpanFailed(span, error);
    instruments.sent.add(Array.isArray(items) ? items.length : 0, {
      ...attributes,
      [ATTR.errorType]: failure,
    });
    throw error;
  } finally {
    span.end();
  }
}

/** Counts stored events per channel. */
function countSent(instruments: Instruments, stored: readonly StoredEvent[]): void {
  const perChannel = new Map<string, number>();
  for (const event of stored) perChannel.set(event.channel, (perChannel.get(event.channel) ?? 0) + 1);
  for (const [channel, count] of perChannel) {
    instruments.sent.add(count, {
      [ATTR.system]: MESSAGING_SYSTEM,
      [ATTR.operationName]: "send",
      [ATTR.destination]: channel,
    });
  }
}

/**
 * The channel of each item (its `channel`, else its type) as far as it can be read; items the
 * publisher will refuse are left for it to refuse.
 */
function channelsOf(items: readonly PublishItem[]): string[] {
  const channels = new Set<string>();
  try {
    if (!Array.isArray(items)) return [];
    for (const item of items) {
      if (typeof item !== "object" || item === null) continue;
      const channel = typeof item.channel === "string" ? item.channel : item.type;
      if (typeof channel === "string") channels.add(channel);
    }
  } catch {
    return [];
  }
  return [...channels];
}

/**
 * Each item with the send span's trace fields in its metadata, and the links to the custom
 * creation contexts items already carried. An item whose metadata cannot be read as a plain
 * object is passed on unchanged: the publisher reports it.
 */
function withCreationContext(
  items: readonly PublishItem[],
  fields: Record<string, string>,
): { items: readonly PublishItem[]; links: Link[] } {
  const links: Link[] = [];
  try {
    if (!Array.isArray(items)) return { items, links };
    const traced = items.map((item): PublishItem => {
      if (typeof item !== "object" || item === null) return item;
      const metadata: unknown = item.metadata ?? {};
      if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return item;
      const custom = readTraceContext(metadata as Record<string, unknown>);
      if (custom !== undefined) {
        links.push({ context: custom, attributes: { [ATTR.link]: "creation" } });
        return item;
      }
      return { ...item, metadata: { ...(metadata as Record<string, unknown>), ...fields } };
    });
    return { items: traced, links };
  } catch {
    return { items, links: [] };
  }
}
