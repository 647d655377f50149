import type { ContractModel, EventContract } from "../../ir/model.js";
import { componentSchemas } from "./component-schemas.js";
import { aliasMessages } from "./renamed-messages.js";

/** Options of {@link emitAsyncApi}. */
export interface AsyncApiOptions {
  /** `info.title`; default `Postbus events`. */
  readonly title?: string | undefined;
  /** `info.version`: the contracts package's version (`postbus asyncapi` passes the config's); default `1.0.0`. */
  readonly version?: string | undefined;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * An AsyncAPI 3.0.0 document of every channel and message of the model: one message per event
 * version, named and keyed by its TypeScript type name (`OrderPlacedV1`, `OrderPlaced`), so every
 * version's name is unique; its payload (the event's `data` schema), the shared definitions and every
 * nested object or enum are named schemas under `components.schemas` (`component-schemas.ts`); a
 * `send` and a `receive` operation per message, and Postbus's facts (event type, version, owners…)
 * under `x-postbus`. A request (an event with a `response`) has `headers` for the envelope's
 * `metadata.reply_to` and `metadata.expires_at`, and both its operations a `reply`: the messages of
 * every version of its reply and error reply event types, on a channel of its own with no fixed
 * address (the requester names it in `reply_to`). A renamed event type keeps its old name as a
 * deprecated alias message (`renamed-messages.ts`). Deterministic; serialize with `JSON.stringify`.
 *
 * @example
 * ```ts
 * const document = emitAsyncApi(model, { title: "Trading events" });
 * document.asyncapi; // "3.0.0"
 * ```
 */
export function emitAsyncApi(model: ContractModel, options: AsyncApiOptions = {}): Record<string, unknown> {
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};
  const byChannel = new Map<string, EventContract[]>();
  for (const event of model.events)
    byChannel.set(event.channel, [...(byChannel.get(event.channel) ?? []), event]);

  const versionsOf = (eventType: string | undefined) =>
    model.events.filter((event) => event.eventType === eventType);
  const components = componentSchemas(model, (event) => event.typeName);

  for (const channel of [...byChannel.keys()].sort()) {
    const events = byChannel.get(channel) ?? [];
    const channelId = componentKey(channel);
    channels[channelId] = {
      address: channel,
      title: channel,
      description: `Postbus channel \`${channel}\`: rows of the events table with this channel.`,
      messages: Object.fromEntries(
        events.flatMap((event) => [
          [event.typeName, { $ref: `#/components/messages/${event.typeName}` }],
          ...aliasMessages(event, event.typeName, null).map((alias) => [
            alias.key,
            { $ref: `#/components/messages/${alias.key}` },
          ]),
        ]),
      ),
    };
    for (const event of events) {
      const payload = components.payloadOf(event);
      messages[event.typeName] = message(event, payload);
      const aliases = aliasMessages(event, event.typeName, payload);
      for (const alias of aliases) messages[alias.key] = alias.message;
      const channelRef = { $ref: `#/channels/${channelId}` };
      const messageRef = [{ $ref: `#/channels/${channelId}/messages/${event.typeName}` }];
      const receivedRef = [
        ...messageRef,
        ...aliases.map((alias) => ({ $ref: `#/channels/${channelId}/messages/${alias.key}` })),
      ];
      const replies = [...versionsOf(event.responseType), ...versionsOf(event.errorResponseType)];
      let reply: Json | undefined;
      if (event.responseType !== undefined && replies.length > 0) {
        const replyChannelId = replyChannelKey(event);
        channels[replyChannelId] = {
          address: null,
          title: `Replies to ${event.eventType} v${event.version}`,
          description: `The channel a requester names in the \`metadata.reply_to\` of its \`${event.eventType}\`: the reply is published there with \`metadata.request_id\` and \`metadata.causation_id\` set to the request's \`metadata.event_id\`${event.errorResponseType === undefined ? "" : ", and an error reply also has `metadata.reply_error: true`"}.`,
          messages: Object.fromEntries(
            replies.map((replied) => [
              replied.typeName,
              { $ref: `#/components/messages/${replied.typeName}` },
            ]),
          ),
        };
        reply = {
          address: {
            description: "The request's `metadata.reply_to`.",
            location: "$message.header#/reply_to",
          },
          channel: { $ref: `#/channels/${replyChannelId}` },
          messages: replies.map((replied) => ({
            $ref: `#/channels/${replyChannelId}/messages/${replied.typeName}`,
          })),
        };
      }
      operations[`send${event.typeName}`] = {
        action: "send",
        channel: channelRef,
        summary: `Publish ${event.eventType} v${event.version}${reply === undefined ? "" : " and wait for its reply"}.`,
        messages: messageRef,
        ...(reply === undefined ? {} : { reply }),
        "x-postbus": { slices: [...event.producers] },
      };
      operations[`receive${event.typeName}`] = {
        action: "receive",
        channel: channelRef,
        summary: `Consume ${event.eventType} v${event.version}${reply === undefined ? "" : " and reply to it"}${aliases.length === 0 ? "" : ` (also stored under ${event.renamedFrom.join(", ")})`}.`,
        messages: receivedRef,
        ...(reply === undefined ? {} : { reply }),
        "x-postbus": { slices: [...event.consumers] },
      };
    }
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: options.title ?? "Postbus events",
      version: options.version ?? "1.0.0",
      description:
        "Events published on a Postbus events table. Each message's payload is the `data` of the envelope `{event_type, timestamp, data, metadata}`.",
    },
    defaultContentType: "application/json",
    channels,
    operations,
    components: { messages: sortKeys(messages), schemas: components.schemas },
  };
}

function message(event: EventContract, payload: Json): Json {
  const facts: Record<string, Json> = {
    eventType: event.eventType,
    version: event.version,
    channel: event.channel,
    domain: event.domain,
    producers: [...event.producers],
    consumers: [...event.consumers],
    owners: [...event.owners],
    deprecated: event.deprecated === false ? false : (event.deprecated.reason ?? true),
  };
  if (event.responseType !== undefined) facts.responseType = event.responseType;
  if (event.errorResponseType !== undefined) facts.errorResponseType = event.errorResponseType;
  const result: Record<string, Json> = { name: event.typeName, contentType: "application/json" };
  if (event.title !== undefined) result.title = event.title;
  if (event.description !== undefined) result.summary = event.description;
  if (event.responseType !== undefined) result.headers = REQUEST_HEADERS;
  result.payload = payload;
  if (event.examples.length > 0) {
    result.examples = event.examples.map((example, index) => ({
      name: `example${index + 1}`,
      payload: example as Json,
    }));
  }
  result["x-postbus"] = facts;
  return result;
}

/** The request-response keys of a request's envelope `metadata`, as AsyncAPI message headers. */
const REQUEST_HEADERS: Json = {
  type: "object",
  description: "Request-response keys of the envelope's `metadata`, set by the requester.",
  properties: {
    reply_to: { type: "string", description: "The channel the requester reads replies on." },
    expires_at: {
      type: "string",
      format: "date-time",
      description: "When the requester stops waiting for a reply.",
    },
  },
};

/**
 * The key of a request's reply channel: `<TypeName>__reply`. A double separator never occurs in a
 * valid channel name, so it cannot collide with the key of a real channel.
 */
function replyChannelKey(event: EventContract): string {
  return `${event.typeName}__reply`;
}

/** A components/channels key (`^[A-Za-z0-9._-]+$`): other characters, such as `:`, become `_`. */
function componentKey(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

function sortKeys(record: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
