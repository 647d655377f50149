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
  /** The newest contract version (1 when absent). */
  readonly version?: number;
  /** The newest version is deprecated (`true` or the reason). */
  readonly deprecated?: boolean | string;
  /**
   * What readers and handlers get: the newest version's schema when every older version has an
   * upcaster chain to it; absent or the union when not (then `schema` decides).
   */
  readonly readSchema?: StandardSchemaV1;
  /** Every version of an event type with more than one, newest first; absent for a single version. */
  readonly contractVersions?: readonly ContractVersionEntry[];
  /** Earlier names of this event type (`x-postbus.renamedFrom`): their events are delivered as this type. */
  readonly renamedFrom?: readonly string[];
  /**
   * The payload field whose value is the event's key (`x-postbus.partitionKey`): a typed publish
   * writes it as `metadata.partition_key` unless the caller gives a `partitionKey`.
   */
  readonly partitionKey?: string;
}

/** One version of an event type, as a generated registry lists it in `contractVersions`. */
export interface ContractVersionEntry {
  readonly version: number;
  /** That version's payload schema. */
  readonly schema: StandardSchemaV1;
  /** `true` or the reason when the version is deprecated. */
  readonly deprecated?: boolean | string;
  /** The upcaster step out of this version: to which version, its file, and the function. */
  readonly upcast?: {
    readonly to: number;
    readonly upcaster: string;
    readonly run: (data: never) => unknown;
  };
}

/**
 * How a delivered event's contract version was found: `declared` by the writer in
 * `metadata.contract_version`, or `inferred` by matching the stored payload against the
 * versions, newest first (rows of ADR-only writers and older Postbus); and which version the
 * handler got after upcasting, and under which name it was stored (a renamed event type).
 */
export interface DeliveredContract {
  /** The version the stored payload is. */
  readonly storedVersion: number;
  /** How {@link storedVersion} was known. */
  readonly source: "declared" | "inferred";
  /** The version of `data` as delivered (after upcasting). */
  readonly version: number;
  /** The event type the row was stored under (differs from `type` for a renamed event type). */
  readonly storedType: string;
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

/** The schema readers get for an entry: `readSchema` (the newest version, upcast) when set, else `schema`. */
type ReadSchemaOf<Entry> = Entry extends { readonly readSchema: infer Read }
  ? Read
  : Entry extends { readonly schema: infer Schema }
    ? Schema
    : never;

/**
 * The payload readers and handlers get for an event type: the newest version when its
 * upcasters cover every older one, else the union of its versions (the validator's output).
 */
export type DataOf<Contracts extends ContractRegistry, Type extends EventTypeOf<Contracts>> = SchemaOutput<
  ReadSchemaOf<Contracts[Type]>
>;

/** The contract versions of an event type (just its `version`, or 1, when it has one). */
export type VersionOf<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts>,
> = Contracts[Type] extends { readonly contractVersions: readonly (infer Entry)[] }
  ? Entry extends { readonly version: infer Version extends number }
    ? Version
    : never
  : Contracts[Type] extends { readonly version: infer Version extends number }
    ? Version
    : 1;

/** The payload of one version of an event type. */
export type DataAt<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts>,
  Version,
> = Contracts[Type] extends { readonly contractVersions: readonly (infer Entry)[] }
  ? Extract<Entry, { readonly version: Version }> extends { readonly schema: infer Schema }
    ? SchemaOutput<Schema>
    : never
  : DataOf<Contracts, Type>;

/** Event type → the version a reader asks for instead of the default (the newest). */
export type VersionPins<Contracts extends ContractRegistry> = {
  readonly [Type in EventTypeOf<Contracts>]?: VersionOf<Contracts, Type>;
};

/** No version pins: every event type at its default version. */
export type NoPins = Record<never, never>;

/** The payload of `Type` for a reader with `Pins`: the pinned version's, else {@link DataOf}. */
type PinnedData<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts>,
  Pins,
> = Type extends keyof Pins
  ? Pins[Type] extends infer Version extends number
    ? DataAt<Contracts, Type, Version>
    : DataOf<Contracts, Type>
  : DataOf<Contracts, Type>;

/**
 * A stored event of one of `Type`'s event types: a union discriminated by `type`
 * (and `envelope.event_type`), with the contract version it was stored as and delivered as.
 */
export type TypedEvent<
  Contracts extends ContractRegistry,
  Type extends EventTypeOf<Contracts> = EventTypeOf<Contracts>,
  Pins = NoPins,
> =
  Type extends EventTypeOf<Contracts>
    ? StoredEvent<Type, PinnedData<Contracts, Type, Pins>> & { readonly contract: DeliveredContract }
    : never;

/** The event types whose contract publishes them on one of `Channel`. */
export type EventTypesOn<Contracts extends ContractRegistry, Channel extends string> = {
  [Type in EventTypeOf<Contracts>]: Contracts[Type]["channel"] extends Channel ? Type : never;
}[EventTypeOf<Contracts>];

/** A stored event that can appear on one of `Channel`. */
export type TypedEventOn<
  Contracts extends ContractRegistry,
  Channel extends string,
  Pins = NoPins,
> = TypedEvent<Contracts, EventTypesOn<Contracts, Channel>, Pins>;

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
