/**
 * Request-response: a `request <channel>` CLIENT span around `bus.request()`, the parent of the
 * request's send span (so the responder's process span and its reply are in the request's
 * trace), and linked to the reply's creation context when the reply arrives.
 */
import { context, SpanKind, trace } from "@opentelemetry/api";
import type { StoredEvent } from "../../envelope.js";
import type { Instruments } from "./instruments.js";
import { ATTR, MESSAGING_SYSTEM } from "./messaging-attributes.js";
import { markSpanFailed } from "./span-failure.js";
import { readTraceContext } from "./trace-context.js";

/** Runs `send` (publish the request, wait for the reply) inside a request span. */
export async function requestWithSpan(
  instruments: Instruments,
  eventType: string,
  channel: string,
  send: () => Promise<StoredEvent>,
): Promise<StoredEvent> {
  const span = instruments.tracer.startSpan(`request ${channel}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR.system]: MESSAGING_SYSTEM,
      [ATTR.operationName]: "request",
      [ATTR.destination]: channel,
      [ATTR.eventType]: eventType,
    },
  });
  try {
    const reply = await context.with(trace.setSpan(context.active(), span), send);
    const replyContext = readTraceContext(reply.envelope.metadata);
    if (replyContext !== undefined)
      span.addLink({ context: replyContext, attributes: { [ATTR.link]: "reply" } });
    span.setAttribute("postbus.reply.position", reply.position);
    return reply;
  } catch (error) {
    markSpanFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
