import { Node } from "ts-morph";
import type { ClientMethodCall } from "./client-method.js";
import { unwrap } from "./client-method.js";
import type { CallSite, ConsumerSite, DynamicCall, ProducerSite, ScannedMethod } from "./code-scan.js";
import { type LiteralStrings, literalString, literalStrings } from "./literal-strings.js";
import { isObjectLiteral, objectProperty } from "./object-property.js";
import { type RegistryEntryFacts, registryFacts } from "./registry-facts.js";

/** One fact a call states: it publishes an event type, consumes one, or names one the scan cannot read. */
export type CallFact =
  | { readonly kind: "produces"; readonly eventType: string; readonly site: ProducerSite }
  | { readonly kind: "consumes"; readonly eventType: string; readonly site: ConsumerSite }
  | { readonly kind: "dynamic"; readonly site: DynamicCall }
  /** The client's registry type has no entries: its channels and reply types cannot be known. */
  | { readonly kind: "no-registry"; readonly site: CallSite; readonly method: ScannedMethod };

/** Who the call runs for: its place, the client's slice and the file's package. */
export interface CallContext {
  readonly site: CallSite;
  readonly slice: string | undefined;
  readonly package: string | undefined;
}

/**
 * What one typed call publishes and consumes:
 *
 * - `publish(type, …)`: produces `type`; `publishMany([{ type, … }])`: each item's `type`;
 * - `subscribe`/`drain({ group, channels, eventTypes })`: the group consumes `eventTypes`, or
 *   every event type of the registry on `channels`;
 * - `request(type, …)`: produces the request, consumes its reply and error reply (no group);
 * - `respond({ requestType, group })`: the group (default `<requestType>.responders`) consumes
 *   the request and produces its reply and error reply.
 *
 * Reply types and channels come from the client's registry type; when it has no entries (the
 * types package does not resolve) those calls state `no-registry` instead. An argument that is
 * not a literal is a `dynamic` fact instead. Other methods state nothing.
 */
export function readCall(found: ClientMethodCall, context: CallContext): CallFact[] {
  const args = found.call.getArguments();
  const facts: CallFact[] = [];
  const method = found.method as ScannedMethod;
  const produces = (eventType: string, as: ProducerSite["method"]) =>
    facts.push({
      kind: "produces",
      eventType,
      site: { ...context.site, method: as, slice: context.slice, package: context.package },
    });
  const consumes = (eventType: string, as: ConsumerSite["method"], group: string | undefined) =>
    facts.push({
      kind: "consumes",
      eventType,
      site: { ...context.site, method: as, group, slice: context.slice, package: context.package },
    });
  const dynamic = (argument: string, node: Node | undefined, value?: LiteralStrings) =>
    facts.push({
      kind: "dynamic",
      site: {
        ...context.site,
        method,
        argument,
        text: shorten(node?.getText() ?? "(missing)"),
        candidates: value?.kind === "dynamic" ? value.candidates : [],
      },
    });
  const registry = () => {
    const entries = registryFacts(found.receiver);
    if (entries.size === 0) facts.push({ kind: "no-registry", site: context.site, method });
    return entries;
  };
  const first = args[0];
  switch (found.method) {
    case "publish": {
      const type = first === undefined ? undefined : literalString(first);
      if (type?.kind === "literal") for (const value of type.values) produces(value, "publish");
      else dynamic("eventType", first, type);
      break;
    }
    case "publishMany": {
      const items = first === undefined ? undefined : unwrap(first);
      if (!Node.isArrayLiteralExpression(items)) {
        dynamic("items", first);
        break;
      }
      for (const item of items.getElements()) {
        const typeNode = isObjectLiteral(item) ? objectProperty(item, "type") : undefined;
        const type = typeNode === undefined ? undefined : literalString(typeNode);
        if (type?.kind === "literal") for (const value of type.values) produces(value, "publishMany");
        else dynamic("items", typeNode ?? item, type);
      }
      break;
    }
    case "subscribe":
    case "drain": {
      if (first === undefined) break;
      const group = groupOf(first, undefined, dynamic);
      const eventTypesNode = objectProperty(first, "eventTypes");
      if (eventTypesNode !== undefined) {
        const types = literalStrings(eventTypesNode);
        if (types.kind === "literal") for (const type of types.values) consumes(type, found.method, group);
        else dynamic("eventTypes", eventTypesNode, types);
        break;
      }
      const channelsNode = objectProperty(first, "channels");
      const channels = channelsNode === undefined ? undefined : literalStrings(channelsNode);
      if (channels?.kind !== "literal") {
        dynamic("channels", channelsNode ?? first, channels);
        break;
      }
      for (const entry of registry().values()) {
        if (entry.channel !== undefined && channels.values.includes(entry.channel))
          consumes(entry.eventType, found.method, group);
      }
      break;
    }
    case "request": {
      const type = first === undefined ? undefined : literalString(first);
      if (type?.kind !== "literal") {
        dynamic("eventType", first, type);
        break;
      }
      const entries = registry();
      for (const value of type.values) {
        produces(value, "request");
        for (const reply of replies(entries.get(value))) consumes(reply, "request", undefined);
      }
      break;
    }
    case "respond": {
      if (first === undefined) break;
      const requestNode = objectProperty(first, "requestType");
      const type = requestNode === undefined ? undefined : literalString(requestNode);
      if (type?.kind !== "literal") {
        dynamic("requestType", requestNode ?? first, type);
        break;
      }
      const entries = registry();
      for (const value of type.values) {
        consumes(value, "respond", groupOf(first, `${value}.responders`, dynamic));
        for (const reply of replies(entries.get(value))) produces(reply, "respond");
      }
      break;
    }
  }
  return facts;
}

/** The `group` option as a literal, `fallback` when there is none, `undefined` (and a dynamic fact) when it is not a literal. */
function groupOf(
  options: Node,
  fallback: string | undefined,
  dynamic: (argument: string, node: Node | undefined, value?: LiteralStrings) => void,
): string | undefined {
  const node = objectProperty(options, "group");
  if (node === undefined)
    return isObjectLiteral(options) ? fallback : groupByType(options, fallback, dynamic);
  const group = literalString(node);
  if (group.kind === "literal") return group.values[0];
  dynamic("group", node, group);
  return undefined;
}

/** The group of an options object that is not a literal, from the type of its `group` property. */
function groupByType(
  options: Node,
  fallback: string | undefined,
  dynamic: (argument: string, node: Node | undefined, value?: LiteralStrings) => void,
): string | undefined {
  const property = options.getType().getProperty("group");
  if (property === undefined) return fallback;
  const type = property.getTypeAtLocation(options);
  if (type.isStringLiteral()) return String(type.getLiteralValue());
  dynamic("group", options);
  return undefined;
}

function replies(entry: RegistryEntryFacts | undefined): string[] {
  return [entry?.responseType, entry?.errorResponseType].filter((type) => type !== undefined);
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
