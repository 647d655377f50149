/**
 * A renamed event type keeps its old message name in the AsyncAPI document: for each
 * `x-postbus.renamedFrom` name, a message for the old event type (`x-postbus.eventType`), marked as
 * a deprecated alias of the new one, with the same payload (the new message's payload schema). It sits on the
 * channel and in the receive operation — stored events and lagging writers still carry the old
 * name — but not in the send operation: writers publish the new name.
 */
import type { EventContract } from "../../ir/model.js";

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** One alias message: its key under `components.messages` and the message. */
export interface AliasMessage {
  readonly key: string;
  readonly message: Json;
}

/**
 * The alias messages of `event`, whose own message is `components.messages[messageKey]` with
 * `payload`; empty when it declares no `renamedFrom`. Keys, and the messages' names, are
 * `<messageKey>__renamedFrom__<old name>` (a double separator never occurs in a type name, so no
 * alias collides with a message of its own); the old event type is `x-postbus.eventType`.
 *
 * @example
 * ```ts
 * aliasMessages(submitted, "OrderSubmitted").map((alias) => alias.key); // ["OrderSubmitted__renamedFrom__order.placed"]
 * ```
 */
export function aliasMessages(event: EventContract, messageKey: string, payload: Json): AliasMessage[] {
  return event.renamedFrom.map((oldName) => {
    const key = `${messageKey}__renamedFrom__${oldName.replace(/[^A-Za-z0-9._-]/g, "_")}`;
    return { key, message: aliasMessage(event, oldName, key, payload) };
  });
}

function aliasMessage(event: EventContract, oldName: string, key: string, payload: Json): Json {
  return {
    name: key,
    title: `${oldName} (renamed to ${event.eventType})`,
    summary: `Deprecated alias: \`${oldName}\` was renamed to \`${event.eventType}\`. Events stored or still written under the old name have the payload of ${event.eventType} v${event.version} and are delivered to typed consumers as ${event.eventType}.`,
    contentType: "application/json",
    payload,
    "x-postbus": {
      eventType: oldName,
      version: event.version,
      channel: event.channel,
      aliasOf: event.eventType,
      deprecated: `Renamed to ${event.eventType}`,
    },
  };
}
