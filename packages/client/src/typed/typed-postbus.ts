import type { PostbusOptions } from "../config/postbus-options.js";
import type { ConsumerStats } from "../consume/consumer-loop.js";
import type { ConsumerContext, SubscribeOptions } from "../consume/consumer-options.js";
import type { Subscription } from "../consume/subscription.js";
import type { LatestEventsOptions, Postbus, ReadEventsOptions } from "../create-postbus.js";
import type { Database } from "../driver/to-executor.js";
import type { EventOptions } from "../publish/prepare-event.js";
import type { PublishOptions, TransactionScope } from "../publish/publisher.js";
import type { PostbusReplyError } from "../request/reply-error.js";
import type {
  ErrorReply,
  RequestOptions,
  ResponderContext,
  RespondOptions,
} from "../request/request-options.js";
import type {
  ChannelOf,
  ContractRegistry,
  ErrorResponseTypeOf,
  EventTypeOf,
  EventTypesOn,
  NoPins,
  PayloadOf,
  RequestTypeOf,
  ResponseTypeOf,
  TypedEvent,
  TypedEventOn,
  VersionPins,
} from "./contract-registry.js";
import type { DeprecatedVersionPolicy } from "./stamp-version.js";

/** Options of {@link createTypedPostbus}: those of `createPostbus`, with the contracts instead of validators. */
export type TypedPostbusOptions<Contracts extends ContractRegistry> = Omit<
  PostbusOptions,
  "validators" | "unknownEventTypes"
> & {
  /** The registry of a generated types package, e.g. `contracts` from `@postbus/types`. */
  readonly contracts: Contracts;
  /**
   * Publishing a deprecated contract version: `"warn"` (default) emits one process warning per
   * event type (code `POSTBUS_DEPRECATED_VERSION`), `"error"` rejects the publish, `"silent"` says nothing.
   */
  readonly deprecatedVersions?: DeprecatedVersionPolicy;
};

/** What every typed publish may add: the contract version the payload is. */
interface VersionOption {
  /**
   * The contract version the payload is, written to `metadata.contract_version` (and the payload
   * checked against it). Default: the newest version the payload matches.
   */
  readonly version?: number;
}

/** Per-event options of a typed publish: the channel is the contract's. */
export type TypedEventOptions = Omit<EventOptions, "channel"> & VersionOption;

/** Options of a typed `publish`. */
export type TypedPublishOptions = Omit<PublishOptions, "channel"> & VersionOption;

/** What a typed read or subscription may add: the contract versions it wants instead of the newest. */
export interface VersionPinOption<Contracts extends ContractRegistry, Pins extends VersionPins<Contracts>> {
  /**
   * Event type → the contract version to deliver it as (older stored versions are upcast to it;
   * a newer stored version fails with `POSTBUS_VERSION_UNAVAILABLE`). Default: the newest.
   */
  readonly versions?: Pins;
}

/** One item of a typed `publishMany`: `type` picks the payload type. */
export type TypedPublishItem<Contracts extends ContractRegistry> = {
  [Type in EventTypeOf<Contracts>]: TypedEventOptions & {
    readonly type: Type;
    readonly data: PayloadOf<Contracts, Type>;
  };
}[EventTypeOf<Contracts>];

/** {@link TransactionScope} with typed publishing. */
export interface TypedTransactionScope<Contracts extends ContractRegistry>
  extends Omit<TransactionScope, "publish" | "publishMany"> {
  /** Publishes in the transaction. */
  publish<Type extends EventTypeOf<Contracts>>(
    eventType: Type,
    data: PayloadOf<Contracts, Type>,
    options?: TypedEventOptions,
  ): Promise<TypedEvent<Contracts, Type>>;
  /** Publishes a batch in the transaction. */
  publishMany(items: readonly TypedPublishItem<Contracts>[]): Promise<TypedEvent<Contracts>[]>;
  /** The untyped scope, for event types outside the contracts (rejected while the registry rejects unknown types). */
  readonly untyped: TransactionScope;
}

/** What a typed handler gets besides the event. */
export interface TypedConsumerContext<Contracts extends ContractRegistry>
  extends Omit<ConsumerContext, "tx"> {
  /** The batch's transaction, with typed publishing. */
  readonly tx: TypedTransactionScope<Contracts>;
}

/** Options of a typed `subscribe` and `drain`: the handler gets the events of `channels` only. */
export type TypedSubscribeOptions<
  Contracts extends ContractRegistry,
  Channel extends ChannelOf<Contracts>,
  Pins extends VersionPins<Contracts> = NoPins,
> = Omit<SubscribeOptions, "channels" | "handler" | "eventTypes"> &
  VersionPinOption<Contracts, Pins> & {
    /** Channels the group reads. */
    readonly channels: Channel | readonly Channel[];
    /** Only these event types reach the handler; the group moves past the others unread. */
    readonly eventTypes?: readonly EventTypesOn<Contracts, Channel>[];
    /** Called once per event, in delivery order; narrow on `event.type`. Each event type arrives as one version: the newest, or the pinned one. */
    readonly handler: (
      event: TypedEventOn<Contracts, Channel, Pins>,
      context: TypedConsumerContext<Contracts>,
    ) => unknown;
  };

/** Options of a typed `request`: channels come from the contracts. */
export type TypedRequestOptions = Omit<RequestOptions, "channel" | "replyTo">;

/** What a typed responder's handler gets besides the request. */
export interface TypedResponderContext<
  Contracts extends ContractRegistry,
  Type extends RequestTypeOf<Contracts>,
> extends Omit<ResponderContext<PayloadOf<Contracts, ErrorResponseTypeOf<Contracts, Type>>>, "tx"> {
  /** The batch's transaction, with typed publishing: the reply commits with it. */
  readonly tx: TypedTransactionScope<Contracts>;
}

/** Options of a typed `respond`: reply types and channels come from the request's contract. */
export type TypedRespondOptions<
  Contracts extends ContractRegistry,
  Type extends RequestTypeOf<Contracts>,
> = Omit<
  RespondOptions,
  "requestType" | "responseType" | "errorResponseType" | "channel" | "replyChannel" | "handler"
> & {
  /** The request type answered. */
  readonly requestType: Type;
  /**
   * Answers one request: return the reply's payload (checked against the reply's contract),
   * or `context.replyError(data)` when the contract declares an error reply.
   */
  readonly handler: (
    request: TypedEvent<Contracts, Type>,
    context: TypedResponderContext<Contracts, Type>,
  ) =>
    | PayloadOf<Contracts, ResponseTypeOf<Contracts, Type>>
    | ErrorReply<PayloadOf<Contracts, ErrorResponseTypeOf<Contracts, Type>>>
    | Promise<
        | PayloadOf<Contracts, ResponseTypeOf<Contracts, Type>>
        | ErrorReply<PayloadOf<Contracts, ErrorResponseTypeOf<Contracts, Type>>>
      >;
};

/**
 * A Postbus client typed by a contract registry: publishing only compiles with the
 * right payload, readers and handlers get discriminated unions, and every payload is
 * validated by the registry's schemas on the way in and on the way out.
 */
export interface TypedPostbus<Contracts extends ContractRegistry>
  extends Omit<
    Postbus,
    | "publish"
    | "publishMany"
    | "withTransaction"
    | "getLatestEvents"
    | "readEvents"
    | "subscribe"
    | "drain"
    | "request"
    | "respond"
  > {
  /** The registry this client was created with. */
  readonly contracts: Contracts;
  /** The untyped client underneath (same validators), for tools that handle any event. */
  readonly untyped: Postbus;
  /** Publishes one event on its contract's channel and returns it as stored. */
  publish<Type extends EventTypeOf<Contracts>>(
    eventType: Type,
    data: PayloadOf<Contracts, Type>,
    options?: TypedPublishOptions,
  ): Promise<TypedEvent<Contracts, Type>>;
  /** Publishes a batch in one statement: all of it or none of it. */
  publishMany(
    items: readonly TypedPublishItem<Contracts>[],
    options?: { readonly tx?: Database },
  ): Promise<TypedEvent<Contracts>[]>;
  /** Runs `work` in a transaction on the pool, with a typed scope. */
  withTransaction<T>(work: (scope: TypedTransactionScope<Contracts>) => Promise<T>): Promise<T>;
  /** The newest events of a channel, newest first, each checked against its contract. */
  getLatestEvents<
    const Channel extends ChannelOf<Contracts>,
    const Pins extends VersionPins<Contracts> = NoPins,
  >(
    channel: Channel,
    options?: LatestEventsOptions & VersionPinOption<Contracts, Pins>,
  ): Promise<TypedEventOn<Contracts, Channel, Pins>[]>;
  /** Events of the channels in delivery order after a position, each checked against its contract and upcast. */
  readEvents<const Channel extends ChannelOf<Contracts>, const Pins extends VersionPins<Contracts> = NoPins>(
    channels: Channel | readonly Channel[],
    options?: ReadEventsOptions & VersionPinOption<Contracts, Pins>,
  ): Promise<TypedEventOn<Contracts, Channel, Pins>[]>;
  /** Joins a consumer group; the handler gets the channels' events as a discriminated union, each at one version. */
  subscribe<const Channel extends ChannelOf<Contracts>, const Pins extends VersionPins<Contracts> = NoPins>(
    options: TypedSubscribeOptions<Contracts, Channel, Pins>,
  ): Subscription;
  /** Handles what is deliverable for the group now, then returns the counters. */
  drain<const Channel extends ChannelOf<Contracts>, const Pins extends VersionPins<Contracts> = NoPins>(
    options: TypedSubscribeOptions<Contracts, Channel, Pins>,
  ): Promise<ConsumerStats>;
  /**
   * Publishes a request and resolves with its typed reply. Rejects with `POSTBUS_REQUEST_TIMEOUT`
   * (naming the type and request id) when none comes within `timeoutMs`, and with a
   * {@link PostbusReplyError} on an error reply — narrow it with {@link TypedPostbus.isErrorReply}.
   */
  request<Type extends RequestTypeOf<Contracts>>(
    eventType: Type,
    data: PayloadOf<Contracts, Type>,
    options?: TypedRequestOptions,
  ): Promise<TypedEvent<Contracts, ResponseTypeOf<Contracts, Type>>>;
  /** Answers requests of one type as a consumer group; the reply commits with the handler's writes. */
  respond<Type extends RequestTypeOf<Contracts>>(options: TypedRespondOptions<Contracts, Type>): Subscription;
  /** True when `error` is the error reply to a request of `requestType`; narrows `error.reply`. */
  isErrorReply<Type extends RequestTypeOf<Contracts>>(
    error: unknown,
    requestType: Type,
  ): error is PostbusReplyError<TypedEvent<Contracts, ErrorResponseTypeOf<Contracts, Type>>>;
}
