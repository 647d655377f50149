import { type Span, SpanStatusCode } from "@opentelemetry/api";
import { ATTR, errorType } from "./messaging-attributes.js";

/**
 * Marks a span failed as the conventions ask: the exception recorded, status ERROR with the
 * message, and `error.type`. Returns the `error.type` it set, for the metrics of the same call.
 *
 * @example
 * ```ts
 * try { … } catch (error) { markSpanFailed(span, error); throw error; }
 * ```
 */
export function markSpanFailed(span: Span, error: unknown): string {
  const type = errorType(error);
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
  span.setAttribute(ATTR.errorType, type);
  return type;
}
