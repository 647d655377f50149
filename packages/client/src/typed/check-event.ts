import type { StoredEvent } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import { validatePayload } from "../validate/validate-payload.js";
import type { ContractRegistry } from "./contract-registry.js";

/**
 * Checks that a stored event is what its contract promises: a known event type, on
 * its contract's channel, with a valid payload. Returns the event with the
 * validator's output as `data`. Throws `POSTBUS_UNKNOWN_EVENT_TYPE` or
 * `POSTBUS_VALIDATION_FAILED`.
 */
export async function checkStoredEvent(
  contracts: ContractRegistry,
  validators: ValidatorRegistry,
  event: StoredEvent,
): Promise<StoredEvent> {
  checkChannel(contracts, event);
  const data = await validatePayload(validators, "reject", event.type, event.data, undefined);
  if (data === event.data) return event;
  return { ...event, data, envelope: { ...event.envelope, data } };
}

/**
 * Throws `POSTBUS_UNKNOWN_EVENT_TYPE` when an event of a known type sits on a channel
 * its contract does not publish it on (a writer without the contracts put it there).
 */
export function checkChannel(contracts: ContractRegistry, event: StoredEvent): void {
  const contract = Object.hasOwn(contracts, event.type)
    ? contracts[event.type]
    : Object.values(contracts).find((entry) => entry.renamedFrom?.includes(event.type));
  if (contract === undefined || contract.channel === event.channel) return;
  throw new PostbusInputError(
    "POSTBUS_UNKNOWN_EVENT_TYPE",
    `Event ${event.position} of type "${event.type}" is on channel "${event.channel}", but its contract publishes it on "${contract.channel}"`,
    {
      subject: { eventType: event.type, channel: event.channel },
      hint: "It was written without the typed client; read it with bus.untyped, or fix its channel",
    },
  );
}
