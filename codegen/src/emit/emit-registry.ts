import type { ContractModel, EventContract, UpcasterStep } from "../ir/model.js";
import { generatedBanner, modelSources } from "./banner.js";
import { docComment, docText } from "./doc-text.js";
import { jsonSchemaName } from "./emit-json-schemas.js";
import { formatMembers, formatTypeScriptCached } from "./format-typescript.js";
import { channelMap, type EventVersions, groupVersions } from "./group-versions.js";
import { ContentMemo } from "./memo.js";
import { modelKeys } from "./model-keys.js";
import { printedMember } from "./printed-member.js";

/** Export name of the zod schema of a definition or event payload type (as the zod emitter names them). */
export const zodSchemaName = (typeName: string): string => `${typeName}Schema`;

/**
 * Emits `registry.ts`: the `contracts` registry (event type → channel, version,
 * owners, deprecation, response and error response types, zod schema and JSON
 * Schema), the `channels` map, the `EventMap` type and, for request-response, the
 * `Requests` type with `RequestType`, `ResponseTypeOf` and `ErrorResponseTypeOf`. `createTypedPostbus({ db, contracts })` from
 * `@postbus/client` infers every payload type from it.
 *
 * An event type with several versions validates against all of them (newest
 * first), because the table keeps events of every version; its payload type is
 * their union.
 *
 * @example
 * ```ts
 * const source = await emitRegistry(model);
 * // export const contracts = { "signal.triggered": { eventType: "signal.triggered", … } } as const;
 * ```
 */
export async function emitRegistry(model: ContractModel): Promise<string> {
  const groups = groupVersions(model);
  const needsZodValue = groups.some((group) => group.versions.length > 1);
  const typeNames = model.events.map((event) => event.typeName);
  const imports = [
    needsZodValue ? `import { z } from "zod";` : `import type { z } from "zod";`,
    importLine(
      "",
      groups.map((group) => jsonSchemaName(group.latest.typeName)),
      "./schemas.js",
    ),
    importLine("type ", typeNames, "./types.js"),
    importLine("", typeNames.map(zodSchemaName), "./validators.js"),
    ...(model.upcasters ?? []).map(
      (step) =>
        `import { ${step.functionName === upcasterName(step) ? step.functionName : `${step.functionName} as ${upcasterName(step)}`} } from "./${upcasterModule(step)}.js";`,
    ),
  ].filter((line) => line !== "");

  // Formatted piece by piece, each remembered: under `--watch` a changed event
  // rebuilds and reformats only its own entries.
  const keyed = keyedGroups(model, groups);
  const pieces = await Promise.all([
    formatTypeScriptCached(`${generatedBanner(modelSources(model))}\n${imports.join("\n")}\n`),
    eventMapType(keyed),
    contractsType(keyed, model.upcasters ?? []),
    contractsConst(keyed, model.upcasters ?? []),
    formatTypeScriptCached(channelsConst(model)),
    formatTypeScriptCached(trailerTypes()),
    requestsType(keyed),
    formatTypeScriptCached(requestHelperTypes()),
  ]);
  return pieces.join("\n");
}

/**
 * A top-level `<head> … <tail>` object statement with a member per event type (none where `member`
 * returns undefined), each formatted as Prettier formats it inside the object and remembered by
 * `tag` and the event type's key: under `--watch` an edit rebuilds and reformats only its own
 * members, and a cold run formats every member in one Prettier call.
 */
async function objectStatement(
  head: string,
  groups: readonly KeyedGroup[],
  member: (group: EventVersions) => string | undefined,
  tail: string,
  kind: "const" | "type",
  tag: string,
): Promise<string> {
  const keys = groups.map(({ key }) => `${tag}|${key}`);
  const missing = groups.filter((_, index) => !formattedMembers.has(keys[index]!));
  const texts = missing.map(({ group }) => member(group));
  // Members already printed as Prettier prints them are used as written; the rest are formatted.
  const printed = texts.map((text) => (text === undefined ? "" : printedMember(text)));
  const unprinted = texts.filter((text, index) => text !== undefined && printed[index] === undefined);
  const formatted = unprinted.length === 0 ? [] : await formatMembers(unprinted as string[], kind);
  let next = 0;
  missing.forEach(({ key }, index) => {
    const text = printed[index] ?? formatted[next++]!;
    formattedMembers.get(`${tag}|${key}`, () => text);
  });
  const lines = keys.map((key) => formattedMembers.get(key, () => ""));
  if (lines.every((line) => line === "")) return formatTypeScriptCached(`${head}\n${tail}`);
  return `${head}\n${lines.join("")}${tail}`;
}

/** Formatted members by statement and event type key ({@link objectStatement}). */
const formattedMembers = new ContentMemo<string>(20_000);

/** An event type's versions and the key of what its registry members are made of. */
interface KeyedGroup {
  readonly group: EventVersions;
  readonly key: string;
}

/** Each group with its key: its versions' contents and its upcaster steps. */
function keyedGroups(model: ContractModel, groups: readonly EventVersions[]): KeyedGroup[] {
  const keys = modelKeys(model);
  const steps = model.upcasters ?? [];
  return groups.map((group) => ({
    group,
    key: `${group.versions.map((event) => keys.event(event)).join(",")}|${JSON.stringify(
      steps.filter((step) => step.eventType === group.eventType),
    )}`,
  }));
}

/** `import { a, b } from "<from>";` with the names sorted as Biome sorts them; empty without names. */
function importLine(kind: "" | "type ", names: readonly string[], from: string): string {
  if (names.length === 0) return "";
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `import ${kind}{ ${sorted.join(", ")} } from "${from}";`;
}

function payloadType(group: EventVersions): string {
  return [...group.versions]
    .reverse()
    .map((event) => event.typeName)
    .join(" | ");
}

function eventMapType(groups: readonly KeyedGroup[]): Promise<string> {
  const member = (group: EventVersions) =>
    `${docComment(`Payload of \`${group.eventType}\`${group.versions.length > 1 ? " (any of its versions, newest first)" : ""}.`, "  ")}  ${JSON.stringify(group.eventType)}: ${payloadType(group)};`;
  const doc = docComment("Event type → payload type, for every event type of the contracts.");
  return objectStatement(`${doc}export type EventMap = {`, groups, member, "};\n", "type", "EventMap");
}

/** The facts of an event type's entry, as `[key, value]` source pairs shared by its type and its value. */
function contractFacts(group: EventVersions): [string, string][] {
  const { latest } = group;
  return [
    ["eventType", JSON.stringify(group.eventType)],
    ["version", String(latest.version)],
    ["versions", `[${group.versions.map((event) => event.version).join(", ")}]`],
    ["channel", JSON.stringify(latest.channel)],
    ["domain", JSON.stringify(latest.domain)],
    ["producers", stringArray(latest.producers)],
    ["consumers", stringArray(latest.consumers)],
    ["deprecated", deprecatedValue(latest)],
    ["responseType", latest.responseType === undefined ? "null" : JSON.stringify(latest.responseType)],
    [
      "errorResponseType",
      latest.errorResponseType === undefined ? "null" : JSON.stringify(latest.errorResponseType),
    ],
    ...(latest.partitionKey === undefined
      ? []
      : ([["partitionKey", JSON.stringify(latest.partitionKey)]] as [string, string][])),
  ];
}

/** `["a", "b"]`: an array of string literals as Prettier prints it on one line. */
function stringArray(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(", ")}]`;
}

function contractDoc(group: EventVersions): string {
  const { latest } = group;
  return docComment(
    docText({ summary: latest.title, description: latest.description, deprecated: latest.deprecated }),
    "  ",
  );
}

/**
 * `Contracts`, the type of `contracts`, written out entry by entry. Declared rather
 * than inferred: the inferred type of a registry of a few hundred event types is too
 * long for the compiler to write into a declaration file (TS7056), and a written type
 * is what the declaration file repeats, in as many lines as here.
 */
function contractsType(groups: readonly KeyedGroup[], steps: readonly UpcasterStep[]): Promise<string> {
  const member = (group: EventVersions) => {
    const type = payloadType(group);
    const fields = [
      ...contractFacts(group).map(([key, value]) =>
        key === "versions" || key === "producers" || key === "consumers"
          ? `readonly ${key}: readonly ${value};`
          : `readonly ${key}: ${value};`,
      ),
      `readonly schema: z.ZodType<${type}, ${type}>;`,
      ...versionFieldTypes(group, steps, `z.ZodType<${type}, ${type}>`),
      ...(group.latest.renamedFrom.length === 0
        ? []
        : [
            `readonly renamedFrom: readonly [${group.latest.renamedFrom.map((name) => JSON.stringify(name)).join(", ")}];`,
          ]),
      `readonly jsonSchema: typeof ${jsonSchemaName(group.latest.typeName)};`,
    ];
    return `${contractDoc(group)}  readonly ${JSON.stringify(group.eventType)}: {\n${fields.map((field) => `    ${field}`).join("\n")}\n  };`;
  };
  const doc = [
    "The type of {@link contracts}: for each event type its channel, versions, owners,",
    "deprecation, reply types, and the payload type its validator checks.",
  ].join("\n");
  return objectStatement(
    `${docComment(doc)}export type Contracts = {`,
    groups,
    member,
    "};\n",
    "type",
    "Contracts",
  );
}

/** The types of {@link versionFields}' fields, for the written `Contracts` type. */
function versionFieldTypes(group: EventVersions, steps: readonly UpcasterStep[], union: string): string[] {
  if (group.versions.length === 1) return [];
  const own = steps.filter((step) => step.eventType === group.eventType);
  const byVersion = new Map(group.versions.map((event) => [event.version, event.typeName]));
  const rows = [...group.versions].reverse().map((event) => {
    const step = own.find((candidate) => candidate.from === event.version);
    const target = step === undefined ? undefined : byVersion.get(step.to);
    const upcast =
      step === undefined || target === undefined
        ? ""
        : ` readonly upcast: { readonly to: ${step.to}; readonly upcaster: ${JSON.stringify(step.source.file)}; readonly run: (data: ${event.typeName}) => ${target} };`;
    return `      { readonly version: ${event.version}; readonly schema: z.ZodType<${event.typeName}, ${event.typeName}>; readonly deprecated: ${deprecatedValue(event)};${upcast} },`;
  });
  const latest = group.latest.typeName;
  return [
    `readonly readSchema: ${own.length > 0 ? `z.ZodType<${latest}, ${latest}>` : union};`,
    `readonly contractVersions: readonly [\n${rows.join("\n")}\n    ];`,
  ];
}

/** The module of an upcaster inside the types package, without extension: `upcasters/order.placed.v1-to-v2`. */
export const upcasterModule = (step: UpcasterStep): string =>
  `upcasters/${step.eventType}.v${step.from}-to-v${step.to}`;

/** The registry's local name of an upcaster: `upcastOrderPlacedV1ToV2`. */
const upcasterName = (step: UpcasterStep): string =>
  `upcast${step.eventType
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}V${step.from}ToV${step.to}`;

/**
 * The version fields of an event type with several versions: `contractVersions` (newest first:
 * each version's schema, deprecation and its upcaster step) and `readSchema`, what readers get —
 * the newest version when every older one has an upcaster chain to it, else the union.
 */
function versionFields(group: EventVersions, steps: readonly UpcasterStep[], union: string): string[] {
  if (group.versions.length === 1) return [];
  const own = steps.filter((step) => step.eventType === group.eventType);
  const chained = own.length > 0;
  const rows = [...group.versions].reverse().map((event) => {
    const step = own.find((candidate) => candidate.from === event.version);
    const upcast =
      step === undefined
        ? ""
        : `, upcast: { to: ${step.to}, upcaster: ${JSON.stringify(step.source.file)}, run: ${upcasterName(step)} }`;
    const schema = `${zodSchemaName(event.typeName)} as z.ZodType<${event.typeName}, ${event.typeName}>`;
    return `      { version: ${event.version}, schema: ${schema}, deprecated: ${deprecatedValue(event)}${upcast} },`;
  });
  const latest = group.latest.typeName;
  return [
    `readSchema: ${chained ? `${zodSchemaName(latest)} as z.ZodType<${latest}, ${latest}>` : union}`,
    `contractVersions: [\n${rows.join("\n")}\n    ]`,
  ];
}

function contractsConst(groups: readonly KeyedGroup[], steps: readonly UpcasterStep[]): Promise<string> {
  const member = (group: EventVersions) => {
    const schemas = [...group.versions].reverse().map((event) => zodSchemaName(event.typeName));
    const schema = schemas.length === 1 ? schemas[0]! : `z.union([${schemas.join(", ")}])`;
    const type = payloadType(group);
    const fields = [
      ...contractFacts(group).map(([key, value]) => `${key}: ${value}`),
      `schema: ${schema} as z.ZodType<${type}, ${type}>`,
      ...versionFields(group, steps, `${schema} as z.ZodType<${type}, ${type}>`),
      ...(group.latest.renamedFrom.length === 0
        ? []
        : [`renamedFrom: [${group.latest.renamedFrom.map((name) => JSON.stringify(name)).join(", ")}]`]),
      `jsonSchema: ${jsonSchemaName(group.latest.typeName)}`,
    ];
    return `${contractDoc(group)}  ${JSON.stringify(group.eventType)}: {\n${fields.map((field) => `    ${field},`).join("\n")}\n  },`;
  };
  const doc = [
    "The event contracts: event type → channel, version, owners, deprecation, the",
    "reply (and error reply) a request expects, and its payload validator (zod) and",
    "JSON Schema. Typed by {@link Contracts}, so literal facts keep their literal types.",
    "",
    "@example",
    "```ts",
    'import { createTypedPostbus } from "@postbus/client";',
    "const bus = createTypedPostbus({ db: pool, contracts });",
    "```",
  ].join("\n");
  return objectStatement(
    `${docComment(doc)}export const contracts: Contracts = {`,
    groups,
    member,
    "};\n",
    "const",
    "contracts",
  );
}

function channelsConst(model: ContractModel): string {
  const entries = [...channelMap(model)].map(
    ([channel, types]) =>
      `  ${JSON.stringify(channel)}: [${types.map((type) => JSON.stringify(type)).join(", ")}],`,
  );
  return `${docComment("Channel → the event types published on it.")}export const channels = {\n${entries.join("\n")}\n} as const;\n`;
}

function trailerTypes(): string {
  return [
    `${docComment("Every event type of the contracts.")}export type EventType = keyof EventMap;`,
    `${docComment("Every channel an event type of the contracts is published on.")}export type Channel = keyof typeof channels;`,
    "",
  ].join("\n");
}

/**
 * `Requests`: request event type (one whose newest version declares `x-postbus.response`) → the
 * event types of its reply and of its error reply (`never` when it declares none).
 */
function requestsType(groups: readonly KeyedGroup[]): Promise<string> {
  const member = ({ eventType, latest }: EventVersions) => {
    if (latest.responseType === undefined) return undefined;
    const errorResponse =
      latest.errorResponseType === undefined ? "never" : JSON.stringify(latest.errorResponseType);
    const doc = `\`${eventType}\` is answered with \`${latest.responseType}\`${latest.errorResponseType === undefined ? "" : ` or, on failure, \`${latest.errorResponseType}\``}.`;
    return `${docComment(doc, "  ")}  ${JSON.stringify(eventType)}: { response: ${JSON.stringify(latest.responseType)}; errorResponse: ${errorResponse} };`;
  };
  const doc = [
    "Request-response: each request event type → the event type of its reply",
    "(`response`) and of its typed error reply (`errorResponse`, `never` when it has none).",
  ].join("\n");
  return objectStatement(
    `${docComment(doc)}export interface Requests {`,
    groups,
    member,
    "}\n",
    "type",
    "Requests",
  );
}

function requestHelperTypes(): string {
  return [
    `${docComment("Every request event type: one that declares a response (`never` when none does).")}export type RequestType = keyof Requests;`,
    `${docComment("The event type of the reply to the request `T`.")}export type ResponseTypeOf<T extends RequestType> = Requests[T]["response"];`,
    `${docComment("The event type of the typed error reply to the request `T` (`never` when it declares none).")}export type ErrorResponseTypeOf<T extends RequestType> = Requests[T]["errorResponse"];`,
    "",
  ].join("\n");
}

function deprecatedValue(event: EventContract): string {
  if (event.deprecated === false) return "false";
  return event.deprecated.reason === undefined ? "true" : JSON.stringify(event.deprecated.reason);
}
