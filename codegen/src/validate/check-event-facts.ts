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
  "deprecated",
  "response",
  "errorResponse",
  "compatibility",
  "renamedFrom",
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
  readonly deprecated: false | { readonly reason: string | undefined };
  /** `x-postbus.response`: the event type of the reply, for a request event. */
  readonly responseType: string | undefined;
  /** `x-postbus.errorResponse`: the event type of the typed error reply, for a request event. */
  readonly errorResponseType: string | undefined;
  /** `x-postbus.compatibility`: the mode `postbus check` applies; `undefined` for the config's default. */
  readonly compatibility: CompatibilityMode | undefined;
  /** `x-postbus.renamedFrom`: earlier event types of this event (a string or a list in the file). */
  readonly renamedFrom: readonly string[];
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
          deprecated,
          responseType,
          errorResponseType,
          compatibility: isCompatibilityMode(compatibility) ? compatibility : undefined,
          renamedFrom,
          eventTypePointer,
        };
  return { facts: diagnostics.length === 0 ? facts : undefined, diagnostics };
}

function readDeprecated(value: unknown): EventFacts["deprecated"] | undefined {
  if (value === undefined || value === false) return false;
  if (value === true) return { reason: undefined };
  if (typeof value === "string") return { reason: value };
  return undefined;
}
