/**
 * `@postbus/client/opentelemetry`: OpenTelemetry for Postbus clients. Importing it needs the
 * optional peer dependency `@opentelemetry/api`; the main entry never loads it.
 */

export {
  ATTR as MESSAGING_ATTRIBUTES,
  MESSAGING_SYSTEM,
  METRIC as MESSAGING_METRICS,
} from "./observe/telemetry/messaging-attributes.js";
export {
  INSTRUMENTATION_SCOPE,
  type OpenTelemetryOptions,
  openTelemetry,
} from "./observe/telemetry/open-telemetry.js";
export { readTraceContext, TRACEPARENT, TRACESTATE, traceFields } from "./observe/telemetry/trace-context.js";
