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
import { deliverEvent } from "./deliver-event.js";
import { type DeprecatedVersionPolicy, stampVersion } from "./stamp-version.js";
import type {
  TypedEventOptions,
  TypedPostbus,
  TypedPostbusOptions,
  TypedPublishItem,
  TypedRequestOptions,
  TypedSubscribeOptions,
  TypedTransactionScope,
} from "./typed-postbus.js";
import { deprecatedVersionsOf, indexVersions, type VersionIndex } from "./version-index.js";

/**
 * Creates a Postbus client typed by a contract registry — the `contracts` of a
 * generated types package. It is `createPostbus` with the registry's schemas as
 * `validators` and `unknownEventTypes: "reject"`: payloads are validated before
 * they are written, again before a handler sees them, and on every typed read.
 * Events are always published on their contract's channel, with their contract version in
 * `metadata.contract_version`; readers get every stored version upcast to the newest
 * (see `docs/versions.md`), and old names of renamed event types as the new one.
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
  const {
    contracts,
    deprecatedVersions = "warn",
    ...rest
  } = options ?? ({} as TypedPostbusOptions<Contracts>);
  const validators = validatorsOf(contracts);
  const index = indexVersions(contracts);
  const policy = checkPolicy(deprecatedVersions);
  const stamp = stamper(index, policy);
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
  const onChannel = <Item extends { readonly type: string }>(item: Item, at: number) =>
    itemOnChannel(item, at, channelOf, stamp);
  const check = async (event: StoredEvent, pins?: Readonly<Record<string, number>>) =>
    deliverEvent(index, await checkStoredEvent(contracts, validators, event), pins);

  const typed = {
    ...bus,
    contracts,
    untyped: bus,
    // The registry knows which versions are deprecated: the status counts their recent publishes.
    status: (statusOptions = {}) =>
      bus.status({ deprecatedVersions: deprecatedVersionsOf(index), ...statusOptions }),
    publish: async (eventType: string, data: unknown, publishOptions = {}) => {
      const fields = readEventFields(publishOptions);
      return bus.publish(eventType, data, {
        ...fields,
        metadata: await stamp(eventType, data, fields.metadata, versionField(publishOptions)),
        channel: channelOf(eventType),
      } as never);
    },
    publishMany: async (items: readonly TypedPublishItem<ContractRegistry>[], manyOptions = {}) =>
      bus.publishMany(Array.isArray(items) ? await Promise.all(items.map(onChannel)) : items, manyOptions),
    withTransaction: <T>(work: (scope: TypedTransactionScope<ContractRegistry>) => Promise<T>) =>
      bus.withTransaction((scope) => work(typedScope(scope, channelOf, stamp))),
    getLatestEvents: async (channel: string, latestOptions = {}) => {
      const { versions, ...untypedOptions } = readOptionsWithPins(latestOptions);
      return Promise.all(
        (await bus.getLatestEvents(channel, untypedOptions)).map((event) => check(event, versions)),
      );
    },
    readEvents: async (channels: string | readonly string[], readOptions = {}) => {
      const { versions, ...untypedOptions } = readOptionsWithPins(readOptions);
      return Promise.all(
        (await bus.readEvents(channels, untypedOptions)).map((event) => check(event, versions)),
      );
    },
    subscribe: (subscribeOptions: TypedSubscribeOptions<ContractRegistry, string>) =>
      bus.subscribe(untypedSubscribe(subscribeOptions, contracts, channelOf, stamp, index)),
    drain: (subscribeOptions: TypedSubscribeOptions<ContractRegistry, string>) =>
      bus.drain(untypedSubscribe(subscribeOptions, contracts, channelOf, stamp, index)),
    request: async (eventType: string, data: unknown, requestOptions: TypedRequestOptions = {}) => {
      const { response, error: errorType } = replyTypesOf(eventType);
      if (response === undefined) throw notARequest(eventType);
      const options: RequestOptions = {
        ...requestOptions,
        metadata: (await stamp(eventType, data, requestOptions?.metadata, undefined)) as never,
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
        handler:
          typeof handler !== "function" ? handler : typedHandler(handler, contracts, channelOf, stamp, index),
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

/** Adds `contract_version` to a publish's metadata (see {@link stampVersion}). */
type Stamp = (
  eventType: unknown,
  data: unknown,
  metadata: unknown,
  version: unknown,
  index?: number,
) => Promise<unknown>;

function stamper(index: VersionIndex, policy: DeprecatedVersionPolicy): Stamp {
  return (eventType, data, metadata, version, at) =>
    stampVersion(index, policy, eventType, data, metadata, version, at === undefined ? {} : { index: at });
}

function checkPolicy(policy: unknown): DeprecatedVersionPolicy {
  if (policy === "warn" || policy === "error" || policy === "silent") return policy;
  throw new PostbusInputError(
    "POSTBUS_OPTIONS_INVALID",
    `deprecatedVersions is ${describeValue(policy)}; it must be "warn", "error" or "silent"`,
    { subject: { field: "deprecatedVersions" }, hint: 'Leave it out for "warn"' },
  );
}

/** The `version` a typed publish names, read without running getters twice (a throwing one is the runtime's to report). */
function versionField(options: unknown): unknown {
  if (typeof options !== "object" || options === null) return undefined;
  try {
    return (options as { readonly version?: unknown }).version;
  } catch {
    return undefined;
  }
}

/** A typed read's options without `versions`, the pins it asks for. */
function readOptionsWithPins<Options extends object>(
  options: Options,
): Omit<Options, "versions"> & { versions: Readonly<Record<string, number>> } {
  if (typeof options !== "object" || options === null) return options as never;
  const { versions, ...rest } = options as Options & { versions?: Readonly<Record<string, number>> };
  return { ...rest, versions: checkPins(versions) } as never;
}

function checkPins(pins: unknown): Readonly<Record<string, number>> {
  if (pins === undefined) return {};
  if (typeof pins !== "object" || pins === null || Array.isArray(pins)) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      "versions must be an object of event type → version",
      {
        subject: { field: "versions" },
        hint: 'e.g. versions: { "order.placed": 1 }',
      },
    );
  }
  for (const [eventType, version] of Object.entries(pins)) {
    if (!Number.isInteger(version) || (version as number) < 1) {
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        `versions[${JSON.stringify(eventType)}] is ${describeValue(version)}; it must be a contract version (an integer ≥ 1)`,
        { subject: { field: "versions", eventType }, hint: "Name one of the event type's versions" },
      );
    }
  }
  return { ...(pins as Record<string, number>) };
}

/** A publishMany item read field by field (so a throwing getter is a coded error), on its contract's channel. */
async function itemOnChannel<Item extends { readonly type: string }>(
  item: Item,
  at: number,
  channelOf: (eventType: string) => string | undefined,
  stamp: Stamp,
): Promise<Item> {
  if (typeof item !== "object" || item === null) return item; // the runtime reports it
  const { tx: _tx, ...fields } = readEventFields(item, at);
  return {
    ...fields,
    metadata: await stamp(fields.type, fields.data, fields.metadata, versionField(item), at),
    channel: typeof fields.type === "string" ? channelOf(fields.type) : undefined,
  } as unknown as Item;
}

function typedScope(
  scope: TransactionScope,
  channelOf: (eventType: string) => string | undefined,
  stamp: Stamp,
): TypedTransactionScope<ContractRegistry> {
  return {
    executor: scope.executor,
    query: scope.query,
    untyped: scope,
    publish: async (eventType: string, data: unknown, options: TypedEventOptions = {}) => {
      const fields = readEventFields(options);
      return scope.publish(eventType, data, {
        ...fields,
        metadata: await stamp(eventType, data, fields.metadata, versionField(options)),
        channel: channelOf(eventType),
      } as never);
    },
    publishMany: async (items: readonly TypedPublishItem<ContractRegistry>[]) =>
      scope.publishMany(
        Array.isArray(items)
          ? await Promise.all(items.map((item, at) => itemOnChannel(item, at, channelOf, stamp)))
          : items,
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
  stamp: Stamp,
  index: VersionIndex,
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
  const { versions, ...untyped } = copy as SubscribeOptions & { versions?: unknown };
  const pins = checkPins(versions);
  // A renamed event type's old names are read too: their events are delivered as the new type.
  const eventTypes = Array.isArray(untyped.eventTypes)
    ? [...new Set(untyped.eventTypes.flatMap((type) => [type, ...aliasesOf(index, type)]))]
    : untyped.eventTypes;
  const withTypes = eventTypes === undefined ? untyped : { ...untyped, eventTypes };
  if (typeof untyped.handler !== "function") return withTypes; // the runtime reports what is wrong
  return {
    ...withTypes,
    handler: typedHandler(untyped.handler as never, contracts, channelOf, stamp, index, pins),
  };
}

function aliasesOf(index: VersionIndex, eventType: unknown): string[] {
  const aliases: string[] = [];
  for (const [name, versions] of index)
    if (versions.eventType === eventType && name !== eventType) aliases.push(name);
  return aliases;
}

/**
 * A typed handler as the runtime calls it: it refuses an event of a known type on a channel its
 * contract does not publish it on (so the handler's union holds), and hands over a typed scope.
 */
function typedHandler<Context extends { readonly tx: TransactionScope }>(
  handler: (event: never, context: never) => unknown,
  contracts: ContractRegistry,
  channelOf: (eventType: string) => string | undefined,
  stamp: Stamp,
  index: VersionIndex,
  pins: Readonly<Record<string, number>> = {},
): (event: StoredEvent, context: Context) => Promise<unknown> {
  return async (event, context) => {
    checkChannel(contracts, event);
    // Version, rename and upcasting: a failure here is the handler's failure (retried, then dead-lettered).
    const delivered = await deliverEvent(index, event, pins);
    return handler(delivered as never, { ...context, tx: typedScope(context.tx, channelOf, stamp) } as never);
  };
}
