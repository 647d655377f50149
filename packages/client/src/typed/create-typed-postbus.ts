import type { SubscribeOptions } from "../consume/consumer-options.js";
import { createPostbusWith } from "../create-postbus.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { readEventFields } from "../publish/prepare-event.js";
import type { TransactionScope } from "../publish/publisher.js";
import { PostbusReplyError } from "../request/reply-error.js";
import type { RequestOptions, RespondOptions } from "../request/request-options.js";
import { describeValue } from "../validate/describe-value.js";
import { validatorsOf } from "./check-contracts.js";
import { checkChannel, checkStoredEvent } from "./check-event.js";
import type { ChannelOf, ContractRegistry } from "./contract-registry.js";
import type {
  TypedEventOptions,
  TypedPostbus,
  TypedPostbusOptions,
  TypedPublishItem,
  TypedRequestOptions,
  TypedSubscribeOptions,
  TypedTransactionScope,
} from "./typed-postbus.js";

/**
 * Creates a Postbus client typed by a contract registry — the `contracts` of a
 * generated types package. It is `createPostbus` with the registry's schemas as
 * `validators` and `unknownEventTypes: "reject"`: payloads are validated before
 * they are written, again before a handler sees them, and on every typed read.
 * Events are always published on their contract's channel.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createTypedPostbus } from "@postbus/client";
 * import { contracts } from "@postbus/types";
 *
 * const bus = createTypedPostbus({ db: new pg.Pool(), contracts, producer: "signals" });
 * await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy", price: 64210.5 }); // checked at compile time
 * bus.subscribe({
 *   group: "risk",
 *   channels: ["orders"],
 *   handler: async (event) => {
 *     if (event.type === "order.cancelled") console.log(event.data.reason); // narrowed by type
 *   },
 * });
 * ```
 */
export function createTypedPostbus<const Contracts extends ContractRegistry>(
  options: TypedPostbusOptions<Contracts>,
): TypedPostbus<Contracts> {
  const { contracts, ...rest } = options ?? ({} as TypedPostbusOptions<Contracts>);
  const validators = validatorsOf(contracts);
  const channelOf = (eventType: string): string | undefined =>
    typeof eventType === "string" && Object.hasOwn(contracts, eventType)
      ? contracts[eventType]?.channel
      : undefined;
  const replyTypesOf = (requestType: string) => {
    const entry = Object.hasOwn(contracts, requestType) ? contracts[requestType] : undefined;
    return { response: entry?.responseType ?? undefined, error: entry?.errorResponseType ?? undefined };
  };
  // The request's reply_to wins (the wire protocol); typed requesters set it to the reply's
  // contract channel, which codegen makes the error reply's channel too.
  const bus = createPostbusWith(
    { ...rest, validators, unknownEventTypes: "reject" },
    (replyType, replyTo, fallback) => replyTo ?? channelOf(replyType) ?? fallback,
  );
  const onChannel = <Item extends { readonly type: string }>(item: Item, index: number) =>
    itemOnChannel(item, index, channelOf);
  const check = (event: StoredEvent) => checkStoredEvent(contracts, validators, event);

  const typed = {
    ...bus,
    contracts,
    untyped: bus,
    publish: (eventType: string, data: unknown, publishOptions = {}) =>
      bus.publish(eventType, data, {
        ...readEventFields(publishOptions),
        channel: channelOf(eventType),
      } as never),
    publishMany: (items: readonly TypedPublishItem<ContractRegistry>[], manyOptions = {}) =>
      bus.publishMany(Array.isArray(items) ? items.map(onChannel) : items, manyOptions),
    withTransaction: <T>(work: (scope: TypedTransactionScope<ContractRegistry>) => Promise<T>) =>
      bus.withTransaction((scope) => work(typedScope(scope, channelOf))),
    getLatestEvents: async (channel: string, latestOptions = {}) =>
      Promise.all((await bus.getLatestEvents(channel, latestOptions)).map(check)),
    readEvents: async (channels: string | readonly string[], readOptions = {}) =>
      Promise.all((await bus.readEvents(channels, readOptions)).map(check)),
    subscribe: (subscribeOptions: TypedSubscribeOptions<ContractRegistry, string>) =>
      bus.subscribe(untypedSubscribe(subscribeOptions, contracts, channelOf)),
    drain: (subscribeOptions: TypedSubscribeOptions<ContractRegistry, string>) =>
      bus.drain(untypedSubscribe(subscribeOptions, contracts, channelOf)),
    request: async (eventType: string, data: unknown, requestOptions: TypedRequestOptions = {}) => {
      const { response, error: errorType } = replyTypesOf(eventType);
      if (response === undefined) throw notARequest(eventType);
      const options: RequestOptions = {
        ...requestOptions,
        channel: channelOf(eventType),
        replyTo: channelOf(response),
      };
      let reply: StoredEvent;
      try {
        reply = await bus.request(eventType, data, options);
      } catch (error) {
        if (!(error instanceof PostbusReplyError)) throw error;
        reply = error.reply;
      }
      // The reply's type decides, checked against its contract: the response resolves, the error
      // response rejects, anything else carrying this request's id is refused.
      const checked = await check(reply);
      const requestId = reply.envelope.metadata.request_id as string;
      if (checked.type === response) return checked;
      if (checked.type === errorType) throw new PostbusReplyError(eventType, requestId, checked);
      throw new PostbusError(
        "POSTBUS_REPLY_UNEXPECTED",
        `The "${eventType}" request ${requestId} got a reply of type "${checked.type}", expected "${response}"${errorType === undefined ? "" : ` or "${errorType}"`}`,
        {
          subject: { eventType, requestId, channel: checked.channel },
          hint: "A responder outside these contracts answered it; check which producer wrote the reply (reply.envelope.metadata.producer)",
        },
      );
    },
    respond: (respondOptions: Omit<RespondOptions, "responseType">) => {
      const requestType = respondOptions?.requestType;
      const { response, error } = replyTypesOf(requestType);
      if (response === undefined) throw notARequest(requestType);
      const { handler } = respondOptions;
      return bus.respond({
        ...respondOptions,
        responseType: response,
        ...(error === undefined ? {} : { errorResponseType: error }),
        channel: channelOf(requestType),
        handler: typeof handler !== "function" ? handler : typedHandler(handler, contracts, channelOf),
      });
    },
    isErrorReply: (error: unknown, requestType: string) =>
      error instanceof PostbusReplyError &&
      error.requestType === requestType &&
      error.reply.type === replyTypesOf(requestType).error,
  };
  return Object.freeze(typed) as unknown as TypedPostbus<Contracts>;
}

function notARequest(eventType: unknown): PostbusInputError {
  return new PostbusInputError(
    "POSTBUS_OPTIONS_INVALID",
    `${describeValue(eventType)} is not a request type of these contracts: it declares no response`,
    {
      subject: { field: "eventType", ...(typeof eventType === "string" ? { eventType } : {}) },
      hint: 'Declare "response" (and optionally "errorResponse") in its schema\'s x-postbus block and regenerate',
    },
  );
}

/** A publishMany item read field by field (so a throwing getter is a coded error), on its contract's channel. */
function itemOnChannel<Item extends { readonly type: string }>(
  item: Item,
  index: number,
  channelOf: (eventType: string) => string | undefined,
): Item {
  if (typeof item !== "object" || item === null) return item; // the runtime reports it
  const { tx: _tx, ...fields } = readEventFields(item, index);
  return {
    ...fields,
    channel: typeof fields.type === "string" ? channelOf(fields.type) : undefined,
  } as unknown as Item;
}

function typedScope(
  scope: TransactionScope,
  channelOf: (eventType: string) => string | undefined,
): TypedTransactionScope<ContractRegistry> {
  return {
    executor: scope.executor,
    query: scope.query,
    untyped: scope,
    publish: (eventType: string, data: unknown, options: TypedEventOptions = {}) =>
      scope.publish(eventType, data, { ...readEventFields(options), channel: channelOf(eventType) } as never),
    publishMany: (items: readonly TypedPublishItem<ContractRegistry>[]) =>
      scope.publishMany(
        Array.isArray(items) ? items.map((item, index) => itemOnChannel(item, index, channelOf)) : items,
      ),
  } as TypedTransactionScope<ContractRegistry>;
}

/**
 * The untyped subscribe options behind a typed subscription. The runtime validates
 * payloads against the registry (and rejects unknown types) before the handler runs.
 */
function untypedSubscribe(
  options: TypedSubscribeOptions<ContractRegistry, ChannelOf<ContractRegistry>>,
  contracts: ContractRegistry,
  channelOf: (eventType: string) => string | undefined,
): SubscribeOptions {
  if (typeof options !== "object" || options === null) return options as unknown as SubscribeOptions;
  let copy: SubscribeOptions;
  try {
    copy = { ...(options as unknown as SubscribeOptions) };
  } catch {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      "reading the subscribe options threw (a getter or Proxy)",
      {
        subject: { field: "options" },
        hint: "Pass a plain object (no getters or Proxies that throw)",
      },
    );
  }
  if (typeof copy.handler !== "function") return copy; // the runtime reports what is wrong
  return { ...copy, handler: typedHandler(copy.handler as never, contracts, channelOf) };
}

/**
 * A typed handler as the runtime calls it: it refuses an event of a known type on a channel its
 * contract does not publish it on (so the handler's union holds), and hands over a typed scope.
 */
function typedHandler<Context extends { readonly tx: TransactionScope }>(
  handler: (event: never, context: never) => unknown,
  contracts: ContractRegistry,
  channelOf: (eventType: string) => string | undefined,
): (event: StoredEvent, context: Context) => Promise<unknown> {
  return async (event, context) => {
    checkChannel(contracts, event);
    return handler(event as never, { ...context, tx: typedScope(context.tx, channelOf) } as never);
  };
}
