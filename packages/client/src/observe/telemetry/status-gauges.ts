/**
 * Observable gauges read from the client's status at each collection (one `status()` per
 * collection for the three): per group and channel the lag in events and in seconds, per group
 * the dead letters waiting (`status` `dead` or `redrive`).
 */
import type { BatchObservableResult, Meter } from "@opentelemetry/api";
import { ATTR, MESSAGING_SYSTEM, METRIC } from "./messaging-attributes.js";
import type { TelemetryClient } from "./telemetry-hooks.js";

/** Registers the gauges on `meter`; returns the function that unregisters them. */
export function registerStatusGauges(
  meter: Meter,
  client: TelemetryClient,
  onError: (error: unknown) => void,
): () => void {
  const lagEvents = meter.createObservableGauge(METRIC.lagEvents, {
    unit: "{message}",
    description: "Events on a channel after a consumer group's cursor, up to the read horizon",
  });
  const lagSeconds = meter.createObservableGauge(METRIC.lagSeconds, {
    unit: "s",
    description: "Age of the oldest event a consumer group has not handled on a channel",
  });
  const deadLetters = meter.createObservableGauge(METRIC.deadLetters, {
    unit: "{message}",
    description: "Dead letters of a consumer group not yet redriven",
  });
  const callback = async (result: BatchObservableResult): Promise<void> => {
    let status: Awaited<ReturnType<TelemetryClient["status"]>>;
    try {
      status = await client.status();
    } catch (error) {
      onError(error);
      return;
    }
    for (const group of status.groups) {
      const base = { [ATTR.system]: MESSAGING_SYSTEM, [ATTR.consumerGroup]: group.group };
      for (const channel of group.channels) {
        const attributes = { ...base, [ATTR.destination]: channel.channel };
        result.observe(lagEvents, channel.lagEvents, attributes);
        result.observe(lagSeconds, channel.lagSeconds, attributes);
      }
      result.observe(deadLetters, group.deadLetters.dead + group.deadLetters.redrive, base);
    }
  };
  meter.addBatchObservableCallback(callback, [lagEvents, lagSeconds, deadLetters]);
  return () => meter.removeBatchObservableCallback(callback, [lagEvents, lagSeconds, deadLetters]);
}
