/** The tracer and the three semantic-convention instruments of one `openTelemetry()` binding. */
import type { Counter, Histogram, Meter, Tracer } from "@opentelemetry/api";
import { METRIC } from "./messaging-attributes.js";

/** What the span and metric code records to. */
export interface Instruments {
  readonly tracer: Tracer;
  readonly sent: Counter;
  readonly consumed: Counter;
  readonly processDuration: Histogram;
}

/** The semantic conventions' recommended buckets for `messaging.process.duration`, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Creates the instruments on `meter` (a meter returns the same instrument for the same name). */
export function createInstruments(tracer: Tracer, meter: Meter): Instruments {
  return {
    tracer,
    sent: meter.createCounter(METRIC.sent, {
      unit: "{message}",
      description: "Messages a producer attempted to send (published events)",
    }),
    consumed: meter.createCounter(METRIC.consumed, {
      unit: "{message}",
      description: "Messages delivered to a consumer group (events read by its batches)",
    }),
    processDuration: meter.createHistogram(METRIC.processDuration, {
      unit: "s",
      description: "Duration of one handler call (process operation)",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
}
