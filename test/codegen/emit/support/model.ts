/**
 * Hand-built contract models for emitter tests: the emitters' input without the
 * loader, so each test states exactly the IR it feeds in.
 *
 * ```ts
 * const model = contractModel({
 *   definitions: [definition("Side", { type: "string", enum: ["buy", "sell"] })],
 *   events: [event("signal.triggered", { type: "object", properties: { side: ref("Side") } })],
 * });
 * ```
 */
import type { ResolvedConfig } from "../../../../codegen/src/config/config.js";
import type {
  ContractModel,
  EventContract,
  NormalizedSchema,
  SchemaDefinition,
} from "../../../../codegen/src/ir/model.js";

/** `{ $ref: "#/$defs/<name>" }`. */
export const ref = (name: string): { $ref: string } => ({ $ref: `#/$defs/${name}` });

/** A shared definition named `name`; its source file is `schemas/shared/<name>.json`. */
export function definition(
  name: string,
  schema: NormalizedSchema,
  overrides: Partial<Omit<SchemaDefinition, "kind" | "name" | "schema">> = {},
): SchemaDefinition {
  const description =
    typeof schema === "object" && typeof schema.description === "string" ? schema.description : undefined;
  return {
    kind: "definition",
    name,
    schema,
    description,
    source: { file: `schemas/shared/${name.toLowerCase()}.json`, pointer: "", line: 1, column: 1 },
    ...overrides,
  };
}

/** `signal.triggered` → `SignalTriggered`; version 2 → `SignalTriggeredV2`. */
export function typeNameOf(eventType: string, version = 1): string {
  const base = eventType
    .split(/[.\-_:]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
  return version === 1 ? base : `${base}V${version}`;
}

/** An event contract with defaults derived from the event type (domain: its first word). */
export function event(
  eventType: string,
  schema: NormalizedSchema,
  overrides: Partial<Omit<EventContract, "kind" | "eventType" | "schema">> = {},
): EventContract {
  const version = overrides.version ?? 1;
  const domain = overrides.domain ?? eventType.split(".")[0] ?? eventType;
  return {
    kind: "event",
    eventType,
    version,
    channel: eventType,
    typeName: typeNameOf(eventType, version),
    domain,
    title: undefined,
    description: undefined,
    producers: [domain],
    consumers: [],
    owners: [],
    deprecated: false,
    examples: [],
    responseType: undefined,
    errorResponseType: undefined,
    compatibility: undefined,
    renamedFrom: [],
    schema,
    source: {
      file: `schemas/${domain}/${eventType}${version === 1 ? "" : `.v${version}`}.json`,
      pointer: "",
      line: 1,
      column: 1,
    },
    ...overrides,
  };
}

/** A model with events sorted by (eventType, version) and definitions by name, as the front end sorts them. */
export function contractModel(parts: {
  readonly events?: readonly EventContract[];
  readonly definitions?: readonly SchemaDefinition[];
}): ContractModel {
  return {
    kind: "model",
    events: [...(parts.events ?? [])].sort((a, b) =>
      a.eventType === b.eventType ? a.version - b.version : a.eventType < b.eventType ? -1 : 1,
    ),
    definitions: [...(parts.definitions ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

/** The `types` of a resolved config: version 0.1.0, no description or license. */
export function typesConfig(dir: string, name: string): ResolvedConfig["types"] {
  return { dir, name, version: "0.1.0", description: undefined, license: undefined };
}

/** A resolved config rooted at `/project` with the default package locations. */
export function resolvedConfig(overrides: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    root: "/project",
    schemasDir: "/project/schemas",
    definitions: ["schemas/shared/**"],
    types: typesConfig("packages/types", "@postbus/types"),
    docs: "docs/catalog",
    compatibility: "BACKWARD",
    unknownKeywords: "annotation",
    annotations: [],
    sources: [],
    eventType: { from: "path", pattern: "<file-stem>" },
    idBase: "file",
    format: { "2020-12": "assertion" },
    ...overrides,
  };
}

/** A small trading model: two definitions, three event types, one of them in two versions. */
export function tradingModel(): ContractModel {
  return contractModel({
    definitions: [
      definition("Side", { type: "string", enum: ["buy", "sell"], description: "Direction of a trade." }),
      definition("Money", {
        type: "object",
        description: "An amount of a currency.",
        properties: {
          amount: { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" },
          currency: { type: "string", enum: ["USD", "EUR"] },
        },
        required: ["amount", "currency"],
        additionalProperties: false,
      }),
    ],
    events: [
      event(
        "signal.triggered",
        {
          type: "object",
          properties: {
            symbol: { type: "string", description: "Instrument, e.g. BTC-USD." },
            side: ref("Side"),
            price: { type: "number", exclusiveMinimum: 0 },
          },
          required: ["symbol", "side", "price"],
          additionalProperties: false,
        },
        {
          title: "Signal triggered",
          description: "A strategy's entry condition fired.",
          consumers: ["risk"],
          examples: [{ symbol: "BTC-USD", side: "buy", price: 64210.5 }],
        },
      ),
      event(
        "order.placed",
        {
          type: "object",
          properties: { orderId: { type: "string" }, limit: ref("Money") },
          required: ["orderId", "limit"],
          additionalProperties: false,
        },
        { channel: "orders", deprecated: { reason: "Publish version 2." } },
      ),
      event(
        "order.placed",
        {
          type: "object",
          properties: {
            orderId: { type: "string" },
            limit: { ...ref("Money"), description: "Worst acceptable price." },
            side: ref("Side"),
          },
          required: ["orderId", "limit", "side"],
          additionalProperties: false,
        },
        { version: 2, channel: "orders" },
      ),
      event(
        "risk.check.requested",
        {
          type: "object",
          properties: { orderId: { type: "string" } },
          required: ["orderId"],
          additionalProperties: false,
        },
        { channel: "risk", domain: "risk", responseType: "risk.check.completed" },
      ),
    ],
  });
}
