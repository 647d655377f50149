/**
 * `openTelemetry()`: Postbus's {@link PostbusTelemetry} on the OpenTelemetry API, the only
 * module of the package that imports `@opentelemetry/api` (an optional peer dependency, loaded
 * only by `@postbus/client/opentelemetry`).
 */
import { type MeterProvider, metrics, type TracerProvider, trace } from "@opentelemetry/api";
import { consumerSpans } from "./consumer-spans.js";
import { createInstruments } from "./instruments.js";
import { requestWithSpan } from "./request-spans.js";
import { sendWithSpan } from "./send-spans.js";
import { registerStatusGauges } from "./status-gauges.js";
import type { ClientTelemetry, PostbusTelemetry } from "./telemetry-hooks.js";

/** The instrumentation scope name of Postbus's tracer and meter. */
export const INSTRUMENTATION_SCOPE = "@postbus/client";

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`), read
   * when a client is created, so register the SDK before `createPostbus`.
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Report group lag and dead letters as observable gauges, read with one `status()` per
   * collection. Default true; turn it off in all but one client of a database.
   */
  readonly statusGauges?: boolean;
  /** Called when reading the status for the gauges fails. Default: ignored (the gauges skip that collection). */
  readonly onError?: (error: unknown) => void;
}

/**
 * OpenTelemetry traces and metrics for a client, after the messaging semantic conventions:
 * `send <channel>` (PRODUCER) per publish with the W3C `traceparent`/`tracestate` in each
 * event's metadata, `receive <channel>` (CLIENT) per batch, `process <channel>` (CONSUMER) per
 * handled event as a child of its creation context, `request <channel>` around a request;
 * `messaging.client.sent.messages`, `messaging.client.consumed.messages`,
 * `messaging.process.duration`, and the gauges `postbus.consumer.lag`,
 * `postbus.consumer.lag.duration`, `postbus.consumer.dead_letters`.
 *
 * @example
 * ```ts
 * import { createPostbus } from "@postbus/client";
 * import { openTelemetry } from "@postbus/client/opentelemetry";
 *
 * // after the OpenTelemetry SDK is started (e.g. NodeSDK with a context manager)
 * const bus = createPostbus({ db: pool, telemetry: openTelemetry() });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): PostbusTelemetry {
  const statusGauges = options.statusGauges ?? true;
  const onError = options.onError ?? (() => {});
  const telemetry: PostbusTelemetry = {
    bind(client): ClientTelemetry {
      const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
      const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
      const instruments = createInstruments(tracer, meter);
      const unregister = statusGauges ? registerStatusGauges(meter, client, onError) : () => {};
      return {
        send: (items, write) => sendWithSpan(instruments, items, write),
        request: (eventType, channel, send) => requestWithSpan(instruments, eventType, channel, send),
        consumer: (group) => consumerSpans(instruments, group),
        close: unregister,
      };
    },
  };
  return Object.freeze(telemetry);
}
