import type { FormatModes } from "../config/config.js";
import { type DiagnosticCode, diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { bundledSchemaFile } from "../load/bundled-schemas.js";
import type { SchemaFile } from "../load/load-schemas.js";
import { resolveMetaSchemas } from "../load/resolve-metaschemas.js";
import { checkEventFacts, type EventFacts } from "./check-event-facts.js";
import { type DynamicRefTarget, type RefTarget, resolveRefs } from "./resolve-refs.js";
import { DEFAULT_SCAN_OPTIONS, type FileScan, type ScanOptions, scanSchemaFile } from "./scan-schema.js";

/** The loaded files, checked: what the IR is built from. */
export interface ValidatedSchemas {
  /** Files that parsed, in path order. */
  readonly files: readonly SchemaFile[];
  readonly scans: ReadonlyMap<SchemaFile, FileScan>;
  /** Resolved `$ref`s by {@link siteKey}. */
  readonly refs: ReadonlyMap<string, RefTarget>;
  /** Resolved `$dynamicRef`s by {@link siteKey}: their first target and, when dynamic, the anchor name. */
  readonly dynamicRefs: ReadonlyMap<string, DynamicRefTarget>;
  /** Every `$id`, `$anchor` and `$dynamicAnchor` URI → the schema it names. */
  readonly registry: ReadonlyMap<string, RefTarget>;
  /** The URIs in {@link registry} declared by `$dynamicAnchor`. */
  readonly dynamicAnchors: ReadonlySet<string>;
  /** One per event file whose facts are valid, in path order. */
  readonly events: readonly EventFacts[];
  readonly diagnostics: readonly Diagnostic[];
  /** Whether a 2020-12 `format` is checked (the config's `format`): what the IR keeps of it. */
  readonly format: FormatModes;
}

/**
 * Phase 2, validate: first the dialect and vocabularies of files whose `$schema` is a custom
 * metaschema among them ({@link resolveMetaSchemas}); then keywords and their values, `x-postbus` facts, names (the
 * runtime's allow-list), `$ref` resolution across files, duplicate event type +
 * version, request-response facts (`response`, `errorResponse`). Collects every problem (ignored
 * annotation keywords as info diagnostics, per `options`); throws none.
 */
export function validateSchemas(
  loaded: readonly SchemaFile[],
  options: ScanOptions = DEFAULT_SCAN_OPTIONS,
): ValidatedSchemas {
  const withMeta = resolveMetaSchemas(loaded.filter((file) => file.parsed.value !== undefined));
  const files = withMeta.files;
  const scans = new Map(files.map((file) => [file, scanSchemaFile(file, options)] as const));
  for (const file of bundledFilesNeeded(scans, options)) {
    files.push(file);
    scans.set(file, scanSchemaFile(file, options));
  }
  const diagnostics: Diagnostic[] = [
    ...withMeta.diagnostics,
    ...[...scans.values()].flatMap((scan) => scan.diagnostics),
  ];
  const resolved = resolveRefs(files, scans);
  diagnostics.push(...resolved.diagnostics);
  const events: EventFacts[] = [];
  for (const file of files) {
    if (file.role !== "event") continue;
    const checked = checkEventFacts(file);
    diagnostics.push(...checked.diagnostics);
    if (checked.facts !== undefined) events.push(checked.facts);
  }
  diagnostics.push(...checkDuplicates(events), ...checkResponses(events));
  return {
    files,
    scans,
    refs: resolved.targets,
    dynamicRefs: resolved.dynamicTargets,
    registry: resolved.registry,
    dynamicAnchors: resolved.dynamicAnchors,
    events,
    diagnostics,
    format: options.format,
  };
}

/**
 * The bundled meta-schemas (see {@link bundledSchemaFile}) that some `$ref` names and no loaded file
 * declares, e.g. `http://json-schema.org/draft-07/schema#`, and those they refer to in turn. Added
 * after the loaded files.
 */
function bundledFilesNeeded(scans: ReadonlyMap<SchemaFile, FileScan>, options: ScanOptions): SchemaFile[] {
  const declared = new Set(
    [...scans.values()].flatMap((scan) => scan.resources.map((resource) => resource.uri)),
  );
  const needed = new Map<string, SchemaFile>();
  const pending = [...scans.values()];
  for (let scan = pending.pop(); scan !== undefined; scan = pending.pop()) {
    for (const site of [...scan.refs, ...scan.dynamicRefs]) {
      let uri: string;
      try {
        const url = new URL(site.ref, site.base);
        url.hash = "";
        uri = url.href;
      } catch {
        continue;
      }
      if (declared.has(uri) || needed.has(uri)) continue;
      const bundled = bundledSchemaFile(uri);
      if (bundled === undefined) continue;
      needed.set(uri, bundled);
      pending.push(scanSchemaFile(bundled, options)); // a meta-schema refers to others
    }
  }
  return [...needed.values()];
}

function checkDuplicates(events: readonly EventFacts[]): Diagnostic[] {
  const first = new Map<string, EventFacts>();
  const diagnostics: Diagnostic[] = [];
  for (const event of events) {
    const key = `${event.eventType}@${event.version}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, event);
      continue;
    }
    const { line, column } = event.file.parsed.locate(event.eventTypePointer);
    diagnostics.push(
      diagnostic(
        "POSTBUS_SCHEMA_DUPLICATE_EVENT",
        `Event type "${event.eventType}" version ${event.version} is also defined by ${earlier.file.file}`,
        duplicateHint(event, earlier),
        { file: event.file.file, pointer: event.eventTypePointer, line, column },
      ),
    );
  }
  return diagnostics;
}

/** How to tell two events of one type and version apart; a path rule that ignores their folders says so. */
function duplicateHint(event: EventFacts, earlier: EventFacts): string {
  const hint = "Give one of them another version (x-postbus.version or a .v<N> file suffix), or remove it";
  const folder = (facts: EventFacts) => facts.file.file.split("/").slice(0, -1).join("/");
  const fromPath = (facts: EventFacts) =>
    facts.eventTypePointer === "" && facts.file.defaults.eventTypeFrom.pointer === "";
  if (!fromPath(event) || !fromPath(earlier) || folder(event) === folder(earlier)) return hint;
  return `${hint}; if the folder names the event (orders/created.schema.json), derive event types from it: "eventType": { "from": "path", "pattern": "<folder>.<file-stem>" } in postbus.config.json`;
}

/**
 * The request-response facts across events: `response` and `errorResponse` name event types that
 * have a schema; a request is not its own reply; `errorResponse` comes with a `response`, differs
 * from it and is published on the same channel (both go to the request's `reply_to`).
 */
function checkResponses(events: readonly EventFacts[]): Diagnostic[] {
  const known = new Set(events.map((event) => event.eventType));
  // Event type → the channels its versions publish on.
  const channels = new Map<string, Set<string>>();
  for (const event of events) {
    const set = channels.get(event.eventType) ?? new Set<string>();
    set.add(event.channel);
    channels.set(event.eventType, set);
  }
  return events.flatMap((event) => {
    const diagnostics: Diagnostic[] = [];
    const report = (code: DiagnosticCode, key: string, message: string, hint: string) => {
      const pointer = `/x-postbus/${key}`;
      const { line, column } = event.file.parsed.locate(pointer);
      diagnostics.push(diagnostic(code, message, hint, { file: event.file.file, pointer, line, column }));
    };
    const { eventType, responseType, errorResponseType } = event;
    if (responseType !== undefined) {
      if (responseType === eventType) {
        report(
          "POSTBUS_SCHEMA_BAD_RESPONSE",
          "response",
          `The request "${eventType}" names itself as its response`,
          `Name the reply's own event type (for example "${replyExample(eventType, "completed")}")`,
        );
      } else if (!known.has(responseType)) {
        report(
          "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
          "response",
          `The response event type "${responseType}" has no schema`,
          "Add a schema for the reply event, or fix the name",
        );
      }
    }
    if (errorResponseType === undefined) return diagnostics;
    if (responseType === undefined) {
      report(
        "POSTBUS_SCHEMA_BAD_RESPONSE",
        "errorResponse",
        `x-postbus.errorResponse "${errorResponseType}" needs x-postbus.response: only a request has an error reply`,
        "Declare the success reply in x-postbus.response too, or remove errorResponse",
      );
    }
    if (errorResponseType === eventType) {
      report(
        "POSTBUS_SCHEMA_BAD_RESPONSE",
        "errorResponse",
        `The request "${eventType}" names itself as its error response`,
        `Name the error reply's own event type (for example "${replyExample(eventType, "rejected")}")`,
      );
    } else if (errorResponseType === responseType) {
      report(
        "POSTBUS_SCHEMA_BAD_RESPONSE",
        "errorResponse",
        `The error response "${errorResponseType}" is also the response`,
        "A requester tells a reply from an error reply by its event type: give the error reply its own event type",
      );
    } else if (!known.has(errorResponseType)) {
      report(
        "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        "errorResponse",
        `The error response event type "${errorResponseType}" has no schema`,
        "Add a schema for the error reply event, or fix the name",
      );
    } else {
      const replyChannel = channels.get(responseType ?? "");
      const errorChannel = channels.get(errorResponseType);
      const same =
        replyChannel !== undefined &&
        errorChannel !== undefined &&
        replyChannel.size === errorChannel.size &&
        [...replyChannel].every((channel) => errorChannel.has(channel));
      if (replyChannel !== undefined && errorChannel !== undefined && !same) {
        report(
          "POSTBUS_SCHEMA_BAD_RESPONSE",
          "errorResponse",
          `The error response "${errorResponseType}" is on channel "${[...errorChannel].join('", "')}", the response "${responseType}" on "${[...replyChannel].join('", "')}"`,
          "A request's replies all go to its reply_to channel: put the response and the error response on the same channel",
        );
      }
    }
    return diagnostics;
  });
}

/** `risk.check.requested` → `risk.check.<outcome>`: a name for a reply, for hints. */
function replyExample(eventType: string, outcome: string): string {
  const dot = eventType.lastIndexOf(".");
  return `${dot < 0 ? eventType : eventType.slice(0, dot)}.${outcome}`;
}
