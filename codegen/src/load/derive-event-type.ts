/**
 * An event file's event type when its `x-postbus.eventType` does not name one: derived by the
 * config's `eventType` rule from the file's path, its `$id`, or one of its root fields.
 */
import type { EventTypeRule } from "../config/config.js";
import { isObject } from "./json-pointer.js";
import { type PathDefaults, pathDefaults, splitFileName } from "./path-defaults.js";

/** The placeholders an `eventType.pattern` may use. */
export const PATTERN_PLACEHOLDERS = ["<file-stem>", "<folder>", "<folders>"] as const;

/** Without a rule in the config: the file name. */
export const DEFAULT_EVENT_TYPE_RULE: EventTypeRule = Object.freeze({ from: "path", pattern: "<file-stem>" });

/** What an event file's location and fields say about its event (`x-postbus` overrides each). */
export interface EventDefaults extends Omit<PathDefaults, "eventType"> {
  /** The derived event type; `undefined` when the rule finds nothing (see `eventTypeFrom.problem`). */
  readonly eventType: string | undefined;
  /** Where the event type came from, for diagnostics. */
  readonly eventTypeFrom: {
    /** Pointer of the field it was read from (`/$id`, `/title`); `""` for the path. */
    readonly pointer: string;
    /** `the file path`, `the $id`, `the field "title"`. */
    readonly label: string;
    /** Why no event type was found. */
    readonly problem?: string;
  };
}

/**
 * Why `pattern` is not a usable event type pattern, or `undefined`: it must use at least one
 * placeholder of {@link PATTERN_PLACEHOLDERS} and no other `<…>`.
 */
export function checkPattern(pattern: string): string | undefined {
  const used = pattern.match(/<[^<>]*>/g) ?? [];
  const unknown = used.find(
    (placeholder) => !(PATTERN_PLACEHOLDERS as readonly string[]).includes(placeholder),
  );
  if (unknown !== undefined) return `uses the unknown placeholder ${unknown}`;
  if (used.length === 0) return "uses no placeholder, so every file would get the same event type";
  return undefined;
}

/**
 * Domain, event type and version of an event file at `relativeToSchemas` whose parsed root is
 * `root`, by `rule`. The domain is the first folder (or the event type's first segment); the version
 * comes from a `.v<N>` suffix of the file name (of the `$id`'s, when the type comes from the `$id`).
 *
 * @example
 * ```ts
 * eventDefaults("orders/created.schema.json", { from: "path", pattern: "<folder>.<file-stem>" }, {});
 * // { domain: "orders", eventType: "orders.created", version: 1, eventTypeFrom: { pointer: "", label: "the file path" } }
 * ```
 */
export function eventDefaults(relativeToSchemas: string, rule: EventTypeRule, root: unknown): EventDefaults {
  const byPath = pathDefaults(relativeToSchemas);
  const fields = isObject(root) ? root : {};
  const derived = (() => {
    if (rule.from === "path") {
      const eventType = applyPattern(rule.pattern ?? "<file-stem>", relativeToSchemas.split("/"));
      return { ...eventType, eventTypeFrom: { pointer: "", label: "the file path" } };
    }
    if (rule.from === "id") {
      const id = fields.$id;
      const from = { pointer: "/$id", label: "the $id" };
      if (typeof id !== "string" || idPath(id).length === 0) {
        return {
          eventType: undefined,
          version: byPath.version,
          eventTypeFrom: {
            ...from,
            pointer: "",
            problem: "The file has no $id to derive its event type from",
          },
        };
      }
      return { ...applyPattern(rule.pattern ?? "<file-stem>", idPath(id)), eventTypeFrom: from };
    }
    const value = fields[rule.field];
    const from = {
      pointer: `/${rule.field.replaceAll("~", "~0").replaceAll("/", "~1")}`,
      label: `the field "${rule.field}"`,
    };
    if (typeof value !== "string" || value === "") {
      return {
        eventType: undefined,
        version: byPath.version,
        eventTypeFrom: {
          ...from,
          pointer: value === undefined ? "" : from.pointer,
          problem: `The field "${rule.field}" ${value === undefined ? "is missing" : "is not a non-empty string"}; the config derives event types from it`,
        },
      };
    }
    return { eventType: value, version: byPath.version, eventTypeFrom: from };
  })();
  const domain =
    relativeToSchemas.includes("/") || derived.eventType === undefined
      ? byPath.domain
      : (derived.eventType.split(/[._:-]/)[0] ?? derived.eventType);
  return { domain, ...derived };
}

/** Fills a pattern from the segments of a path (folders, then the file name). */
function applyPattern(pattern: string, segments: readonly string[]): { eventType: string; version: number } {
  const folders = segments.slice(0, -1);
  const { stem, version } = splitFileName(segments.at(-1) ?? "");
  const values: Record<string, string> = {
    "<file-stem>": stem,
    "<folder>": folders.at(-1) ?? "",
    "<folders>": folders.join("."),
  };
  let eventType = pattern;
  for (const [placeholder, value] of Object.entries(values)) {
    // An empty value takes one separator next to it along: `<folder>.<file-stem>` at the top is the stem.
    const empty = value === "" ? [`${placeholder}[._:-]`, `[._:-]${placeholder}`] : [];
    for (const around of empty) eventType = eventType.replace(new RegExp(around, "g"), "");
    eventType = eventType.replaceAll(placeholder, value);
  }
  return { eventType, version };
}

/** The path segments of an `$id`: `https://x.test/orders/created.json#` → `["orders", "created.json"]`. */
function idPath(id: string): string[] {
  let path = id.replace(/[?#].*$/, "");
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    try {
      const url = new URL(path);
      path = url.host === "" ? url.pathname : decodeURIComponent(url.pathname);
    } catch {
      // Not a URL after all: take it as written.
    }
  }
  return path.split("/").filter((segment) => segment !== "" && segment !== "." && segment !== "..");
}
