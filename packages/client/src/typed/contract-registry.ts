import type { StoredEvent } from "../envelope.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";

/**
 * What the typed client needs to know about one event type. Generated registries
 * (`contracts` of a types package) carry more (version, owners, JSON Schema); the
 * client reads only these, so it depends on no validation library.
 */
export interface ContractEntry {
  /** The event type; equal to the entry's key in the registry. */
  readonly eventType: string;
  /** The channel its events are published on. */
  readonly channel: string;
  /**
   * Validates (and may transform) the payload; any Standard Schema, e.g. a zod schema.
   * Its declared input type is what `publish` accepts, its output type what readers get.
   */
  readonly schema: StandardSchemaV1;
  /** For a request: the event type of its reply (`x-postbus.response`), else null or absent. */
  readonly responseType?: string | null;
  /** For a request: the event type of its error reply (`x-postbus.errorResponse`), else null or absent. */
  readonly errorResponseType?: string | null;
}

/**
 * Event type → {@link ContractEntry}: the shape of the `contracts` a types package exports.
 *
 * @example
 * ```ts
 * const contracts = {
 *   "signal.triggered": { eventType: "signal.triggered", channel: "signals", schema: z.object({ symbol: z.string() }) },
 * } as const satisfies ContractRegistry;
 * ```
 */
export type ContractRegistry = { readonly [eventType: string]: ContractEntry };

/** The event types of a registry. */
export type EventTypeOf<Contracts extends ContractRegistry> = Extract<keyof Contracts, string>;

/** The channels of a registry's event types. */
export type ChannelOf<Contracts extends ContractRegistry> = Contracts[EventTypeOf<Contracts>]["channel"];

/** The Standard Schema `types` a schema declares (zod, valibot and arktype do), or `{}` when it declares none. */
type DeclaredTypes<Schema> = Schema extends { readonly "~standard": { readonly types?: infer Types } }
  ? NonNullable<Types>
  : never;

/** The output type of a schema's `validate`, for schemas that declare no `types`. */
type ValidatedOutput<Schema> = Schema extends StandardSchemaV1<infer Output> ? Output : unknown;

/** What a Standard Schema accepts. */
export type SchemaInput<Schema> =
  DeclaredTypes<Schema> extends { readonly input: infer Input } ? Input : ValidatedOutput<Schema>;

/** What a Standard Schema returns. */
export type SchemaOutput<Schema> =
  DeclaredTypes<Schema> extends { readonly output: infer Output } ? Output : ValidatedOutput<Schema>;

/** The payload `publish` accepts for an event type. */
export type PayloadOf<Contracts extends ContractRegistry, Type extends EventTypeOf<Contracts>> = SchemaInput<
  Contracts[Type]["schema"]
>;

/** The payload readers and handlers get for an event type (the validator's output). */
export type DataOf<Contracts extends ContractRegistry, Type extends EventTypeOf<Contracts>> = SchemaOutput<
  Contracts[Type]["schema"]
>;

/**
 * A stored event of one of `Type`'s event types: a union discriminated by `type`
 * (and `envelope.event_type`).
 */
export type TypedEvent<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts> = EventTypeOf<Contracts>,
> = Type extends EventTypeOf<Contracts> ? StoredEvent<Type, DataOf<Contracts, Type>> : never;

/** The event types whose contract publishes them on one of `Channel`. */
export type EventTypesOn<Contracts extends ContractRegistry, Channel extends string> = {
  [Type in EventTypeOf<Contracts>]: Contracts[Type]["channel"] extends Channel ? Type : never;
}[EventTypeOf<Contracts>];

/** A stored event that can appear on one of `Channel`. */
export type TypedEventOn<Contracts extends ContractRegistry, Channel extends string> = TypedEvent<
  Contracts,
  EventTypesOn<Contracts, Channel>
>;

/** The event types of a registry that declare a reply type: what `request` accepts. */
export type RequestTypeOf<Contracts extends ContractRegistry> = {
  [Type in EventTypeOf<Contracts>]: Contracts[Type]["responseType"] extends EventTypeOf<Contracts>
    ? Type
    : never;
}[EventTypeOf<Contracts>];

/** The reply type of a request type. */
export type ResponseTypeOf<Contracts extends ContractRegistry, Type extends EventTypeOf<Contracts>> = Extract<
  Contracts[Type]["responseType"],
  EventTypeOf<Contracts>
>;

/** The error reply type of a request type, or `never` when it declares none. */
export type ErrorResponseTypeOf<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts>,
> = Extract<Contracts[Type]["errorResponseType"], EventTypeOf<Contracts>>;
