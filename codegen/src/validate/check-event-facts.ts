import { checkEventName, isPostbusError, MAX_NAME_BYTES } from "@postbus/client";
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  isCompatibilityMode,
} from "../ir/compatibility-modes.js";
import { type DiagnosticCode, diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import type { SchemaFile } from "../load/load-schemas.js";
import { didYouMean } from "./suggest-name.js";

type NameKind = Parameters<typeof checkEventName>[1];

/** The keys of the `x-postbus` block. */
export const POSTBUS_KEYS = [
  "eventType",
  "version",
  "channel",
  "domain",
  "producers",
  "consumers",
  "owners",
  "deprecated",
  "response",
  "errorResponse",
  "compatibility",
  "renamedFrom",
  "partitionKey",
] as const;

/** What an event file says about its event, checked; the schema itself is not part of it. */
export interface EventFacts {
  readonly file: SchemaFile;
  readonly eventType: string;
  readonly version: number;
  readonly channel: string;
  readonly domain: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** `x-postbus.owners`: the teams or people who own the contract, as written (see {@link readOwners}). */
  readonly owners: readonly string[];
  readonly deprecated: false | { readonly reason: string | undefined };
  /** `x-postbus.response`: the event type of the reply, for a request event. */
  readonly responseType: string | undefined;
  /** `x-postbus.errorResponse`: the event type of the typed error reply, for a request event. */
  readonly errorResponseType: string | undefined;
  /** `x-postbus.compatibility`: the mode `postbus check` applies; `undefined` for the config's default. */
  readonly compatibility: CompatibilityMode | undefined;
  /** `x-postbus.renamedFrom`: earlier event types of this event (a string or a list in the file). */
  readonly renamedFrom: readonly string[];
  /** `x-postbus.partitionKey`: the required top-level payload field whose value is the event's key. */
  readonly partitionKey: string | undefined;
  /** Pointer of the event type's declaration: `/x-postbus/eventType`, the field it was derived from (`/$id`, `/title`), or `""` for the path. */
  readonly eventTypePointer: string;
}

/**
 * Reads and checks the `x-postbus` block of an event file, falling back to the
 * path's defaults. Names go through the runtime's own allow-list (`checkEventName`),
 * so a contract can never declare a channel the client would refuse.
 */
export function checkEventFacts(file: SchemaFile): {
  facts: EventFacts | undefined;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, pointer: string, message: string, hint: string) => {
    const { line, column } = file.parsed.locate(pointer);
    diagnostics.push(diagnostic(code, message, hint, { file: file.file, pointer, line, column }));
  };
  const value = file.parsed.value;
  // Anything else is not a schema at all, which the keyword scan reports.
  if (!isObject(value) && typeof value !== "boolean") return { facts: undefined, diagnostics };
  const root: Record<string, unknown> = isObject(value) ? value : {};
  const block = root["x-postbus"] ?? {};
  if (!isObject(block)) {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      "/x-postbus",
      "x-postbus must be an object",
      `Keys: ${POSTBUS_KEYS.join(", ")}`,
    );
    return { facts: undefined, diagnostics };
  }
  for (const key of Object.keys(block)) {
    if (!(POSTBUS_KEYS as readonly string[]).includes(key)) {
      report(
        "POSTBUS_SCHEMA_UNKNOWN_KEY",
        `/x-postbus/${key}`,
        `Unknown x-postbus key "${key}"`,
        `${didYouMean(key, POSTBUS_KEYS)}Known keys: ${POSTBUS_KEYS.join(", ")}`,
      );
    }
  }
  const at = (key: string) => (Object.hasOwn(block, key) ? appendPointer("/x-postbus", key) : "");
  const name = (
    value: unknown,
    kind: NameKind,
    code: DiagnosticCode,
    pointer: string,
    derivedFrom = "",
  ): string | undefined => {
    try {
      return checkEventName(value, kind);
    } catch (error) {
      if (!isPostbusError(error)) throw error;
      report(code, pointer, `${error.reason}${derivedFrom}`, error.hint ?? `At most ${MAX_NAME_BYTES} bytes`);
      return undefined;
    }
  };
  const derived = file.defaults.eventTypeFrom;
  const eventTypePointer = block.eventType === undefined ? derived.pointer : at("eventType");
  let eventType: string | undefined;
  if (block.eventType !== undefined) {
    eventType = name(block.eventType, "event type", "POSTBUS_SCHEMA_BAD_EVENT_TYPE", eventTypePointer);
  } else if (file.defaults.eventType === undefined) {
    report(
      "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
      eventTypePointer,
      derived.problem ?? "No event type could be derived",
      'Set x-postbus.eventType, or change "eventType" in postbus.config.json',
    );
  } else {
    const source =
      derived.pointer === ""
        ? "the file name; set x-postbus.eventType or rename the file"
        : `${derived.label}; set x-postbus.eventType`;
    eventType = name(
      file.defaults.eventType,
      "event type",
      "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
      eventTypePointer,
      ` (derived from ${source})`,
    );
  }
  const channel =
    block.channel === undefined
      ? eventType
      : name(block.channel, "channel", "POSTBUS_SCHEMA_BAD_CHANNEL", at("channel"));
  const version = block.version ?? file.defaults.version;
  if (!Number.isInteger(version) || (version as number) < 1) {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      at("version"),
      "x-postbus.version must be an integer ≥ 1",
      "For example 2",
    );
  }
  const domain = block.domain ?? file.defaults.domain;
  if (typeof domain !== "string" || domain === "") {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      at("domain"),
      "x-postbus.domain must be a non-empty string",
      'For example "orders"',
    );
  }
  const names = (key: "producers" | "consumers", kind: NameKind): string[] => {
    const value = block[key] ?? [];
    if (!Array.isArray(value)) {
      report("POSTBUS_SCHEMA_BAD_FIELD", at(key), `x-postbus.${key} must be an array of names`, '["orders"]');
      return [];
    }
    return value.flatMap(
      (item, index) => name(item, kind, "POSTBUS_SCHEMA_BAD_NAME", appendPointer(at(key), index)) ?? [],
    );
  };
  const producers = names("producers", "producer");
  const consumers = names("consumers", "consumer group");
  const owners = readOwners(block.owners, at("owners"), (pointer, message, hint) =>
    report("POSTBUS_SCHEMA_BAD_FIELD", pointer, message, hint),
  );
  const deprecated = readDeprecated(block.deprecated ?? root.deprecated);
  if (deprecated === undefined) {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      at("deprecated"),
      "x-postbus.deprecated must be true, false or a reason",
      'For example "Use order.placed v2"',
    );
  }
  const responseType =
    block.response === undefined
      ? undefined
      : name(block.response, "event type", "POSTBUS_SCHEMA_BAD_EVENT_TYPE", at("response"));
  const errorResponseType =
    block.errorResponse === undefined
      ? undefined
      : name(block.errorResponse, "event type", "POSTBUS_SCHEMA_BAD_EVENT_TYPE", at("errorResponse"));
  const compatibility = block.compatibility;
  if (compatibility !== undefined && !isCompatibilityMode(compatibility)) {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      at("compatibility"),
      `x-postbus.compatibility must be one of ${COMPATIBILITY_MODES.join(", ")}`,
      `${typeof compatibility === "string" ? didYouMean(compatibility.toUpperCase(), COMPATIBILITY_MODES) : ""}For example "BACKWARD"`,
    );
  }
  const renamedValue = block.renamedFrom ?? [];
  const renamedList = typeof renamedValue === "string" ? [renamedValue] : renamedValue;
  let renamedFrom: string[] = [];
  if (!Array.isArray(renamedList)) {
    report(
      "POSTBUS_SCHEMA_BAD_FIELD",
      at("renamedFrom"),
      "x-postbus.renamedFrom must be an event type or a list of them",
      'For example "order.submitted"',
    );
  } else {
    renamedFrom = renamedList.flatMap(
      (item, index) =>
        name(
          item,
          "event type",
          "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
          typeof renamedValue === "string" ? at("renamedFrom") : appendPointer(at("renamedFrom"), index),
        ) ?? [],
    );
  }
  const partitionKey = readPartitionKey(block.partitionKey, root, (message, hint) =>
    report("POSTBUS_SCHEMA_BAD_FIELD", at("partitionKey"), message, hint),
  );
  const facts =
    eventType === undefined ||
    channel === undefined ||
    !Number.isInteger(version) ||
    typeof domain !== "string" ||
    deprecated === undefined
      ? undefined
      : {
          file,
          eventType,
          version: version as number,
          channel,
          domain,
          producers,
          consumers,
          owners,
          deprecated,
          responseType,
          errorResponseType,
          compatibility: isCompatibilityMode(compatibility) ? compatibility : undefined,
          renamedFrom,
          partitionKey,
          eventTypePointer,
        };
  return { facts: diagnostics.length === 0 ? facts : undefined, diagnostics };
}

/**
 * Checks `x-postbus.partitionKey`: the name of a top-level payload property that is required and
 * is a string or a number (or an enum of them), so every event of the contract has a key.
 */
function readPartitionKey(
  value: unknown,
  root: Record<string, unknown>,
  report: (message: string, hint: string) => void,
): string | undefined {
  if (value === undefined) return undefined;
  const properties = isObject(root.properties) ? root.properties : {};
  const names = Object.keys(properties);
  if (typeof value !== "string" || value === "") {
    report(
      "x-postbus.partitionKey must be the name of a payload field",
      `For example "${names[0] ?? "orderId"}"`,
    );
    return undefined;
  }
  const property = properties[value];
  if (!isObject(property)) {
    report(
      `x-postbus.partitionKey names "${value}", which is not a top-level property of the payload`,
      `${didYouMean(value, names)}Properties: ${names.join(", ") || "none"}`,
    );
    return undefined;
  }
  const required = Array.isArray(root.required) ? root.required : [];
  if (!required.includes(value)) {
    report(
      `x-postbus.partitionKey names "${value}", which is not required: an event without it would have no key`,
      `Add "${value}" to the schema's required list`,
    );
    return undefined;
  }
  const types =
    typeof property.type === "string" ? [property.type] : Array.isArray(property.type) ? property.type : [];
  if (types.some((type) => type !== "string" && type !== "integer" && type !== "number")) {
    report(
      `x-postbus.partitionKey names "${value}", of type ${types.join(" | ")}; a key is a string or a number`,
      "Name a string or number field (an id), or leave partitionKey out",
    );
    return undefined;
  }
  return value;
}

/** The longest owner name: a team, a person or an address, not a paragraph. */
export const MAX_OWNER_LENGTH = 100;

/**
 * Reads `x-postbus.owners`: a list of owner names (teams or people, e.g. `"payments-team"`,
 * `"@acme/orders"`, `"ana@example.com"`), each a non-empty string of at most
 * {@link MAX_OWNER_LENGTH} characters with no line breaks or control characters and no space at
 * either end, listed once. Each problem is reported at its own pointer; the valid names are kept.
 */
function readOwners(
  value: unknown,
  pointer: string,
  report: (pointer: string, message: string, hint: string) => void,
): string[] {
  if (value === undefined) return [];
  const hint = 'For example "owners": ["payments-team", "ana@example.com"]';
  if (!Array.isArray(value)) {
    report(pointer, "x-postbus.owners must be an array of owner names (teams or people)", hint);
    return [];
  }
  const seen = new Set<string>();
  const owners: string[] = [];
  value.forEach((item, index) => {
    const at = appendPointer(pointer, index);
    const problem = ownerProblem(item);
    if (problem !== undefined) {
      report(at, `x-postbus.owners[${index}] ${problem}`, hint);
      return;
    }
    const owner = item as string;
    if (seen.has(owner)) {
      report(at, `x-postbus.owners lists "${owner}" twice`, "List each owner once");
      return;
    }
    seen.add(owner);
    owners.push(owner);
  });
  return owners;
}

function ownerProblem(item: unknown): string | undefined {
  if (typeof item !== "string") return `must be a string, not ${item === null ? "null" : typeof item}`;
  if (item.trim() === "") return "is empty";
  if (item.length > MAX_OWNER_LENGTH)
    return `is ${item.length} characters long; at most ${MAX_OWNER_LENGTH} are allowed`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
  if (/[\u0000-\u001f\u007f]/.test(item)) return "contains a line break or control character";
  if (item.trim() !== item) return `has a space at its start or end: ${JSON.stringify(item)}`;
  return undefined;
}

function readDeprecated(value: unknown): EventFacts["deprecated"] | undefined {
  if (value === undefined || value === false) return false;
  if (value === true) return { reason: undefined };
  if (typeof value === "string") return { reason: value };
  return undefined;
}
