import { randomUUID } from "node:crypto";
import type { Envelope, EventMetadata } from "../envelope.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { type JsonLimits, toCheckedJson } from "../validate/check-json.js";
import { checkEventName } from "../validate/check-name.js";
import { readFields } from "../validate/read-fields.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import { type UnknownEventTypePolicy, validatePayload } from "../validate/validate-payload.js";

/** Per-event options of `publish` and the items of `publishMany`. */
export interface EventOptions {
  /** Channel to write to; defaults to the event type, as in the ADR. */
  readonly channel?: string;
  /**
   * Extra metadata. `event_id` (a UUID) may be given to make a publish idempotent upstream;
   * `correlation_id` and `causation_id` override what `causedBy` derives.
   */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The event (or envelope) that caused this one: sets `correlation_id` and `causation_id`. */
  readonly causedBy?: { readonly envelope: Envelope } | Envelope;
  /**
   * The event's key, written as `metadata.partition_key`: a partitioned consumer group handles
   * the events of one key in order, and events of different keys concurrently. Default: none
   * (or `metadata.partition_key` when given there).
   */
  readonly partitionKey?: string;
}

/** What the publishing side is configured with. */
export interface PrepareContext {
  readonly producer: string | null;
  readonly validators: ValidatorRegistry | undefined;
  readonly unknownEventTypes: UnknownEventTypePolicy;
  readonly limits: JsonLimits;
}

/** An event checked and serialized, ready for the insert statement. */
export interface PreparedEvent {
  readonly channel: string;
  readonly envelope: Envelope;
  /** `JSON.stringify(envelope)`, checked to survive jsonb unchanged. */
  readonly json: string;
  /**
   * UTF-8 size of `json`, or an upper bound of it (3 bytes per UTF-16 code unit) when that bound
   * is within the per-event limit; `publishMany` measures exactly when the bounds exceed its own.
   */
  readonly bytes: number;
}

/** The error subjects of a single publish's names (a batch item's carry its index). */
const EVENT_TYPE = Object.freeze({ field: "eventType" });
const CHANNEL = Object.freeze({ field: "channel" });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks names, validates the payload against the registry, builds the ADR
 * envelope and serializes it. Throws {@link PostbusInputError}; touches no database.
 */
export async function prepareEvent(
  context: PrepareContext,
  eventType: unknown,
  data: unknown,
  options: EventOptions = {},
  index?: number,
): Promise<PreparedEvent> {
  const at = index === undefined ? {} : { index };
  if (typeof options !== "object" || options === null) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "Publish options must be an object", {
      subject: { field: "options", ...at },
      hint: "Pass {} or leave the argument out",
    });
  }
  const type = checkEventName(
    eventType,
    "event type",
    index === undefined ? EVENT_TYPE : { field: "eventType", index },
  );
  const channel =
    options.channel === undefined
      ? type
      : checkEventName(
          options.channel,
          "channel",
          index === undefined ? CHANNEL : { field: "channel", index },
        );
  const jsonContext = { eventType: type, ...at };
  const dataContext = { pointer: "/data", ...jsonContext };

  const rawJson = toCheckedJson(data, dataContext, context.limits);
  // Without a registry there is nothing to validate: no await, so a publish costs no extra turn.
  const validated =
    context.validators === undefined
      ? data
      : await validatePayload(context.validators, context.unknownEventTypes, type, data, index);
  // A validator may return a new value (defaults, transforms): that is what gets stored, so check it too.
  const dataJson = validated === data ? rawJson : toCheckedJson(validated, dataContext, context.limits);

  let metadata: EventMetadata;
  try {
    metadata = buildMetadata(context.producer, options, type, index);
  } catch (error) {
    // A getter or Proxy in metadata or causedBy that threw while it was read.
    if (error instanceof PostbusInputError) throw error;
    throw metadataError(type, index, "", "metadata and causedBy must be plain data (reading them threw)");
  }
  // Metadata made of Postbus's own values only (two UUIDs, null, the allow-listed producer name) is
  // plain JSON by construction; anything the caller passed in is checked like the payload.
  const metadataJson =
    options.metadata === undefined && options.causedBy === undefined && options.partitionKey === undefined
      ? ownMetadataJson(metadata)
      : toCheckedJson(metadata, { pointer: "/metadata", ...jsonContext }, context.limits);
  const timestamp = new Date().toISOString();
  // The type is an allow-listed name (ASCII letters, digits and separators): nothing to escape.
  const json = `{"event_type":"${type}","timestamp":"${timestamp}","data":${dataJson},"metadata":${metadataJson}}`;
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: only a text that may be over the limit is measured.
  const bytes =
    json.length * 3 <= context.limits.maxBytes ? json.length * 3 : Buffer.byteLength(json, "utf8");
  if (bytes > context.limits.maxBytes) {
    throw new PostbusInputError(
      "POSTBUS_JSON_TOO_LARGE",
      `The envelope of "${type}" is ${bytes} bytes; the limit is ${context.limits.maxBytes}`,
      {
        subject: { ...jsonContext, pointer: "" },
        hint: "Store large content elsewhere and publish a reference to it",
      },
    );
  }
  return { channel, envelope: { event_type: type, timestamp, data: validated, metadata }, json, bytes };
}

/**
 * Reads a publish's options (or a `publishMany` item) once, field by field, into a plain
 * object: a getter or Proxy that throws becomes `POSTBUS_OPTIONS_INVALID`, not a `TypeError`.
 */
export function readEventFields(
  value: unknown,
  index?: number,
): EventOptions & { readonly type?: unknown; readonly data?: unknown; readonly tx?: unknown } {
  const fields = readFields(
    value,
    ["type", "data", "channel", "metadata", "causedBy", "partitionKey", "tx"],
    index === undefined ? "options" : "items",
    index,
  );
  return (fields ?? {}) as EventOptions & { type?: unknown; data?: unknown; tx?: unknown };
}

/**
 * `JSON.stringify` of metadata made of Postbus's own values only (two UUIDs, null and the
 * producer name), written directly: the UUIDs need no escaping.
 */
function ownMetadataJson(metadata: EventMetadata): string {
  return `{"event_id":"${metadata.event_id}","correlation_id":"${metadata.correlation_id}","causation_id":null,"producer":${JSON.stringify(metadata.producer)}}`;
}

/** The longest partition key, in UTF-16 code units (keys are hashed, never indexed whole). */
const MAX_PARTITION_KEY = 1_000;

function buildMetadata(
  producer: string | null,
  options: EventOptions,
  eventType: string,
  index: number | undefined,
): EventMetadata {
  const extra = options.metadata ?? {};
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
    throw metadataError(eventType, index, "", "metadata must be a plain object");
  }
  const given: unknown = extra.event_id;
  if (given !== undefined && given !== null && (typeof given !== "string" || !UUID.test(given))) {
    throw metadataError(eventType, index, "/event_id", "metadata.event_id must be a UUID string");
  }
  const eventId: string = (given as string | null | undefined) ?? randomUUID();
  const cause = options.causedBy === undefined ? undefined : envelopeOf(options.causedBy, eventType, index);
  const causeId = typeof cause?.metadata.event_id === "string" ? cause.metadata.event_id : null;
  const correlationId =
    extra.correlation_id ??
    (typeof cause?.metadata.correlation_id === "string" ? cause.metadata.correlation_id : null) ??
    causeId ??
    eventId;
  if (typeof correlationId !== "string" || correlationId === "") {
    throw metadataError(
      eventType,
      index,
      "/correlation_id",
      "metadata.correlation_id must be a non-empty string",
    );
  }
  const causationId = extra.causation_id === undefined ? causeId : extra.causation_id;
  if (causationId !== null && (typeof causationId !== "string" || causationId === "")) {
    throw metadataError(
      eventType,
      index,
      "/causation_id",
      "metadata.causation_id must be a non-empty string or null",
    );
  }
  const partitionKey = options.partitionKey ?? extra.partition_key;
  if (
    partitionKey !== undefined &&
    (typeof partitionKey !== "string" || partitionKey === "" || partitionKey.length > MAX_PARTITION_KEY)
  ) {
    throw metadataError(
      eventType,
      index,
      "/partition_key",
      `the partition key must be a non-empty string of at most ${MAX_PARTITION_KEY} characters`,
    );
  }
  const producerName = extra.producer === undefined ? producer : extra.producer;
  if (producerName !== null && typeof producerName !== "string") {
    throw metadataError(eventType, index, "/producer", "metadata.producer must be a string or null");
  }
  return {
    ...extra,
    event_id: eventId,
    correlation_id: correlationId,
    causation_id: causationId,
    producer: producerName,
    ...(partitionKey === undefined ? {} : { partition_key: partitionKey }),
  };
}

function envelopeOf(cause: unknown, eventType: string, index: number | undefined): Envelope {
  const envelope =
    typeof cause === "object" && cause !== null && "envelope" in cause
      ? (cause as { envelope: unknown }).envelope
      : cause;
  const metadata =
    typeof envelope === "object" && envelope !== null
      ? (envelope as { metadata?: unknown }).metadata
      : undefined;
  if (typeof metadata !== "object" || metadata === null) {
    throw metadataError(eventType, index, "", "causedBy must be a stored event or an envelope with metadata");
  }
  return envelope as Envelope;
}

function metadataError(eventType: string, index: number | undefined, pointer: string, message: string) {
  return new PostbusInputError(
    "POSTBUS_METADATA_INVALID",
    `Invalid metadata for "${eventType}": ${message}`,
    {
      subject: {
        eventType,
        field: "metadata",
        pointer: `/metadata${pointer}`,
        ...(index === undefined ? {} : { index }),
      },
      hint: "Fix the metadata option; nothing was written",
    },
  );
}
