/**
 * A client's {@link Publisher} with telemetry around every write: only built when telemetry
 * is configured, so a client without it runs the publisher unchanged.
 */
import { readEventFields } from "../../publish/prepare-event.js";
import type { Publisher } from "../../publish/publisher.js";
import type { ClientTelemetry } from "./telemetry-hooks.js";

/** Wraps `publisher` so each write (pool, caller's transaction, or a scope's) goes through `telemetry.send`. */
export function tracedPublisher(publisher: Publisher, telemetry: ClientTelemetry): Publisher {
  const write: Publisher["write"] = (target, items, afterCommit) =>
    telemetry.send(items, (traced) => publisher.write(target, traced, afterCommit));
  return {
    write,
    scope(tx, afterCommit) {
      const inner = publisher.scope(tx, afterCommit);
      return {
        executor: inner.executor,
        query: inner.query,
        publish: async (eventType, data, options = {}) => {
          const { tx: _ignored, ...fields } = readEventFields(options);
          return (await write(tx, [{ ...fields, type: eventType, data }], afterCommit))[0]!;
        },
        publishMany: (items) => write(tx, items, afterCommit),
      };
    },
  };
}
