import { contractSide } from "../../compat/contract-side.js";
import type { CodeParties, PartyOrigin } from "../../ir/code-parties.js";
import { type CompatibilityMode, DEFAULT_COMPATIBILITY } from "../../ir/compatibility-modes.js";
import type { ContractModel, EventContract } from "../../ir/model.js";
import { type VersionTransition, versionTransitions } from "./version-transitions.js";

/** One event type of the catalog with all its versions. */
export interface CatalogEntry {
  readonly eventType: string;
  /** File name without extension, safe on every file system, e.g. `signal.triggered`. */
  readonly slug: string;
  /** The newest version. */
  readonly latest: EventContract;
  /** Every version, newest first. */
  readonly versions: readonly EventContract[];
  /** Sorted producers and consumers over all versions (and, with the code's parties, those the code names). */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** With the code's parties: where each producer and consumer is known from. */
  readonly origins?: {
    readonly producers: ReadonlyMap<string, PartyOrigin>;
    readonly consumers: ReadonlyMap<string, PartyOrigin>;
  };
  /** Sorted owners (`x-postbus.owners`) over all versions. */
  readonly owners: readonly string[];
  /** Every version is deprecated. */
  readonly deprecated: boolean;
  /** Each version against the one before it, newest first (empty for a single version). */
  readonly transitions: readonly VersionTransition[];
  /** The versions whose transition is breaking (proven by a counterexample), newest first. */
  readonly breakingVersions: readonly number[];
}

/**
 * Groups the model's events by event type, sorted by event type, versions newest first, and
 * checks each version against the one before it under its mode (`x-postbus.compatibility`, else
 * `defaultMode`). With `parties` (what `postbus scan` found in the code, when the config lists
 * `sources`), each entry's producers and consumers are the declared ones and the code's, and
 * `origins` says which is which.
 *
 * @example
 * ```ts
 * catalogEntries(model, config.compatibility).map((entry) => entry.eventType); // ["fill.received", "order.cancelled", …]
 * ```
 */
export function catalogEntries(
  model: ContractModel,
  defaultMode: CompatibilityMode = DEFAULT_COMPATIBILITY,
  parties?: CodeParties,
): CatalogEntry[] {
  const side = contractSide("the contracts", model, new Map());
  const describe = definitionDescriber(model);
  const byType = new Map<string, EventContract[]>();
  for (const event of model.events) {
    const list = byType.get(event.eventType) ?? [];
    list.push(event);
    byType.set(event.eventType, list);
  }
  return [...byType.keys()].sort(compareText).map((eventType) => {
    const versions = [...(byType.get(eventType) ?? [])].sort((a, b) => b.version - a.version);
    const latest = versions[0] as EventContract;
    const transitions = versionTransitions(versions, side, defaultMode, describe);
    const declared = {
      producers: sortedUnion(versions.map((event) => event.producers)),
      consumers: sortedUnion(versions.map((event) => event.consumers)),
    };
    const inCode = parties?.get(eventType) ?? { producers: [], consumers: [] };
    return {
      eventType,
      slug: eventSlug(eventType),
      latest,
      versions,
      producers: sortedUnion([declared.producers, inCode.producers]),
      consumers: sortedUnion([declared.consumers, inCode.consumers]),
      ...(parties === undefined
        ? {}
        : {
            origins: {
              producers: partyOrigins(declared.producers, inCode.producers),
              consumers: partyOrigins(declared.consumers, inCode.consumers),
            },
          }),
      owners: sortedUnion(versions.map((event) => event.owners)),
      deprecated: versions.every((event) => event.deprecated !== false),
      transitions,
      breakingVersions: transitions
        .filter((transition) => transition.verdict === "breaking")
        .map((transition) => transition.to.version),
    };
  });
}

/** The request event types (by their newest version) that an event type answers, as reply and as error reply. */
export interface ReplyRoles {
  /** Requests whose `response` is this event type. */
  readonly replyTo: readonly CatalogEntry[];
  /** Requests whose `errorResponse` is this event type. */
  readonly errorReplyTo: readonly CatalogEntry[];
}

/**
 * Which requests `entry` is the reply or the error reply of.
 *
 * @example
 * ```ts
 * replyRoles(completed, entries).replyTo.map((request) => request.eventType); // ["risk.check.requested"]
 * ```
 */
export function replyRoles(entry: CatalogEntry, entries: readonly CatalogEntry[]): ReplyRoles {
  return {
    replyTo: entries.filter((other) => other.latest.responseType === entry.eventType),
    errorReplyTo: entries.filter((other) => other.latest.errorResponseType === entry.eventType),
  };
}

/**
 * The request-response wire protocol for a request event, in one paragraph with Markdown code
 * spans (the HTML site renders them as `<code>`); undefined for an event that is not a request.
 */
export function replyProtocolText(event: EventContract): string | undefined {
  if (event.responseType === undefined) return undefined;
  const replies =
    event.errorResponseType === undefined
      ? `\`${event.responseType}\``
      : `\`${event.responseType}\` (or the error reply \`${event.errorResponseType}\`, which also has \`metadata.reply_error: true\`)`;
  return [
    `\`${event.eventType}\` is a request.`,
    "The requester publishes it with `metadata.reply_to`, the channel it reads replies on, and",
    "`metadata.expires_at`, the ISO 8601 time after which it has stopped waiting.",
    `The responder publishes the reply ${replies} on that channel, with \`metadata.request_id\``,
    "and `metadata.causation_id` both set to the request's `metadata.event_id`.",
  ].join(" ");
}

/** Looks up the newest version of an event type among the entries. */
export function latestOf(entries: readonly CatalogEntry[]): (eventType: string) => EventContract | undefined {
  const byType = new Map(entries.map((entry) => [entry.eventType, entry.latest]));
  return (eventType) => byType.get(eventType);
}

/** A file name for an event type: characters outside `[A-Za-z0-9._-]` (such as `:`) become `_`. */
export function eventSlug(eventType: string): string {
  return eventType.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Every producer and consumer slice of the entries, sorted. */
export function sliceNames(entries: readonly CatalogEntry[]): string[] {
  return sortedUnion(entries.flatMap((entry) => [entry.producers, entry.consumers]));
}

/** Code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function partyOrigins(declared: readonly string[], inCode: readonly string[]): Map<string, PartyOrigin> {
  return new Map(
    sortedUnion([declared, inCode]).map((name) => [
      name,
      declared.includes(name) ? (inCode.includes(name) ? "both" : "declared") : "code",
    ]),
  );
}

function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort(compareText);
}

/** Looks up a definition's description by name, for fields that only `$ref` it. */
export function definitionDescriber(model: ContractModel): (name: string) => string | undefined {
  const byName = new Map(model.definitions.map((definition) => [definition.name, definition.description]));
  return (name) => byName.get(name);
}
