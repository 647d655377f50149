/**
 * The consumer side: one `receive <channel>` CLIENT span per batch that read events (the batch's
 * lease and read, linked to each event's creation context), one `process <channel>` CONSUMER
 * span per handler call (a child of the event's creation context, so a trace crosses slices and
 * processes, and linked to it and to its batch's receive span), `messaging.client.consumed.messages`
 * per batch and `messaging.process.duration` per handler call.
 */
import {
  type Attributes,
  context,
  type Link,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  trace,
} from "@opentelemetry/api";
import type { Instruments } from "./instruments.js";
import { ATTR, MESSAGING_SYSTEM } from "./messaging-attributes.js";
import { markSpanFailed } from "./span-failure.js";
import type { ConsumerTelemetry, TracedHandler } from "./telemetry-hooks.js";
import { readTraceContext } from "./trace-context.js";

/** The SDK's default limit of links on a span: a receive span links to at most this many events. */
const MAX_LINKS = 128;

/** The consumer hooks of one group's member. */
export function consumerSpans(instruments: Instruments, group: string): ConsumerTelemetry {
  // The receive span of the batch being handled: a member runs one batch at a time.
  let receive: SpanContext | undefined;
  const base: Attributes = { [ATTR.system]: MESSAGING_SYSTEM, [ATTR.consumerGroup]: group };

  return {
    received(events, startedAt) {
      const channels = new Set(events.map((event) => event.channel));
      const destination = channels.size === 1 ? events[0]!.channel : undefined;
      const links: Link[] = [];
      for (const event of events.slice(0, MAX_LINKS)) {
        const creation = readTraceContext(event.envelope.metadata);
        if (creation !== undefined)
          links.push({ context: creation, attributes: { [ATTR.link]: "creation" } });
      }
      const span = instruments.tracer.startSpan(
        destination === undefined ? "receive" : `receive ${destination}`,
        {
          kind: SpanKind.CLIENT,
          startTime: startedAt,
          links,
          attributes: {
            ...base,
            [ATTR.operationName]: "receive",
            [ATTR.operationType]: "receive",
            [ATTR.batchCount]: events.length,
            ...(destination === undefined ? {} : { [ATTR.destination]: destination }),
          },
        },
        ROOT_CONTEXT,
      );
      span.end();
      receive = span.spanContext();
      const perChannel = new Map<string, number>();
      for (const event of events) perChannel.set(event.channel, (perChannel.get(event.channel) ?? 0) + 1);
      for (const [channel, count] of perChannel) {
        instruments.consumed.add(count, {
          ...base,
          [ATTR.operationName]: "receive",
          [ATTR.destination]: channel,
        });
      }
    },

    process<Context>(handler: TracedHandler<Context>): TracedHandler<Context> {
      return async (event, handlerContext) => {
        const creation = readTraceContext(event.envelope.metadata);
        const links: Link[] = [];
        if (creation !== undefined)
          links.push({ context: creation, attributes: { [ATTR.link]: "creation" } });
        if (receive !== undefined) links.push({ context: receive, attributes: { [ATTR.link]: "receive" } });
        const attributes: Attributes = {
          ...base,
          [ATTR.operationName]: "process",
          [ATTR.operationType]: "process",
          [ATTR.destination]: event.channel,
          [ATTR.eventType]: event.type,
          [ATTR.position]: event.position,
        };
        const eventId = event.envelope.metadata.event_id;
        if (typeof eventId === "string") attributes[ATTR.messageId] = eventId;
        const correlation = event.envelope.metadata.correlation_id;
        if (typeof correlation === "string") attributes[ATTR.conversationId] = correlation;
        // Not the ambient context: the loop runs in whatever context subscribe() was called in.
        const parent = creation === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, creation);
        const span = instruments.tracer.startSpan(
          `process ${event.channel}`,
          { kind: SpanKind.CONSUMER, links, attributes },
          parent,
        );
        const started = performance.now();
        let failure: string | undefined;
        try {
          return await context.with(trace.setSpan(parent, span), () => handler(event, handlerContext));
        } catch (error) {
          failure = markSpanFailed(span, error);
          throw error;
        } finally {
          span.end();
          instruments.processDuration.record((performance.now() - started) / 1000, {
            ...base,
            [ATTR.operationName]: "process",
            [ATTR.destination]: event.channel,
            ...(failure === undefined ? {} : { [ATTR.errorType]: failure }),
          });
        }
      };
    },
  };
}
