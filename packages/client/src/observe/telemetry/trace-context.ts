/**
 * The W3C Trace Context of an event, carried in its envelope's `metadata` as `traceparent` and
 * `tracestate` (extra metadata keys; the ADR's four keys are untouched), written and read here.
 */
import { createTraceState, isSpanContextValid, type SpanContext } from "@opentelemetry/api";

/** The metadata key of the W3C `traceparent`. */
export const TRACEPARENT = "traceparent";
/** The metadata key of the W3C `tracestate`. */
export const TRACESTATE = "tracestate";

const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The `traceparent` (and `tracestate`, when there is one) of a span context, as metadata fields. */
export function traceFields(span: SpanContext): Record<string, string> {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  const fields: Record<string, string> = { [TRACEPARENT]: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state) fields[TRACESTATE] = state;
  return fields;
}

/**
 * The remote span context in an event's metadata, or undefined when there is none or it is
 * not a valid W3C `traceparent` (version `ff`, a version-00 value with extra fields, all-zero ids).
 */
export function readTraceContext(
  metadata: Readonly<Record<string, unknown>> | undefined,
): SpanContext | undefined {
  const value = metadata?.[TRACEPARENT];
  if (typeof value !== "string") return undefined;
  const match = TRACEPARENT_FORMAT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  const state = metadata?.[TRACESTATE];
  const context: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & 0x01,
    isRemote: true,
    ...(typeof state === "string" && state !== "" ? { traceState: createTraceState(state) } : {}),
  };
  return isSpanContextValid(context) ? context : undefined;
}
