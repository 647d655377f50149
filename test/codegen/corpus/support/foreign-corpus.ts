/**
 * A corpus in the shape of one published for ajv, as issue 17 describes it: draft-07, shared
 * definitions in `common/`, one folder per entity with files named after the action
 * (`orders/created.schema.json`), relative `$id`s written for ajv's base-less id space — the events'
 * ids (`events/orders/created.schema.json`) do not mirror where the files lie, so their
 * `$ref`s (`../../common/money.json`) resolve only among the ids — and one vendor annotation keyword,
 * `javaType`. Deterministic: the same files and payloads on every run.
 */

/** Every schema file of the corpus, by path below the schema folder, and sample payloads per event file. */
export interface ForeignCorpus {
  readonly schemas: ReadonlyMap<string, Record<string, unknown>>;
  /** Valid payloads per event file (the first is also the schema's `examples` entry). */
  readonly payloads: ReadonlyMap<string, readonly unknown[]>;
}

/** The vendor annotation keyword the corpus uses. */
export const VENDOR_KEYWORD = "javaType";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** A small linear congruential generator: the corpus must not change between runs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const digits = (rng: Rng, count: number) =>
  Array.from({ length: count }, () => Math.floor(rng() * 10)).join("");
const hex = (rng: Rng, count: number) =>
  Array.from({ length: count }, () => Math.floor(rng() * 16).toString(16)).join("");
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
const instant = (rng: Rng) =>
  `2026-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 10)}T1${Math.floor(rng() * 10)}:${Math.floor(rng() * 6)}5:00Z`;
const money = (rng: Rng) => ({
  amount: Math.round(rng() * 100000) / 100,
  currency: pick(rng, ["EUR", "USD", "GBP", "CHF"]),
});
const address = (rng: Rng) => ({
  street: `${1 + Math.floor(rng() * 200)} ${pick(rng, ["Main", "Elm", "Harbour"])} Street`,
  city: pick(rng, ["Utrecht", "Lyon", "Leeds"]),
  ...(rng() < 0.5 ? { postalCode: digits(rng, 5) } : {}),
  country: pick(rng, ["NL", "FR", "GB"]),
});
const customer = (rng: Rng) => ({
  id: uuid(rng),
  email: `${pick(rng, ["ana", "bo", "cy"])}${digits(rng, 2)}@example.com`,
  ...(rng() < 0.5 ? { name: pick(rng, ["Ana", "Bo Li", "Cy"]) } : {}),
  ...(rng() < 0.5 ? { address: address(rng) } : {}),
});
const lineItem = (rng: Rng) => ({
  sku: `${pick(rng, ["ABC", "XYZ"])}-${digits(rng, 4)}`,
  quantity: 1 + Math.floor(rng() * 5),
  unitPrice: money(rng),
});

/** The shared definitions, by file name below `common/`. */
const COMMON: Readonly<Record<string, Record<string, unknown>>> = {
  "identifiers.json": {
    definitions: {
      uuid: { type: "string", format: "uuid" },
      orderNumber: { type: "string", pattern: "^ORD-[0-9]{6}$" },
      sku: { type: "string", pattern: "^[A-Z]{3}-[0-9]{4}$" },
    },
  },
  "timestamps.json": { definitions: { instant: { type: "string", format: "date-time" } } },
  "currency.json": { type: "string", enum: ["EUR", "USD", "GBP", "CHF"] },
  "money.json": {
    [VENDOR_KEYWORD]: "com.acme.common.Money",
    type: "object",
    properties: {
      amount: { type: "number", minimum: 0, multipleOf: 0.01 },
      currency: { $ref: "currency.json" },
    },
    required: ["amount", "currency"],
    additionalProperties: false,
  },
  "address.json": {
    [VENDOR_KEYWORD]: "com.acme.common.Address",
    type: "object",
    properties: {
      street: { type: "string", minLength: 1 },
      city: { type: "string", minLength: 1 },
      postalCode: { type: "string", minLength: 3, maxLength: 10 },
      country: { type: "string", pattern: "^[A-Z]{2}$" },
    },
    required: ["street", "city", "country"],
    additionalProperties: false,
  },
  "customer.json": {
    type: "object",
    properties: {
      id: { $ref: "identifiers.json#/definitions/uuid" },
      email: { type: "string", format: "email" },
      name: { type: "string", minLength: 1, maxLength: 80 },
      address: { $ref: "./address.json" },
    },
    required: ["id", "email"],
  },
  "line-item.json": {
    type: "object",
    properties: {
      sku: { $ref: "identifiers.json#/definitions/sku" },
      quantity: { type: "integer", minimum: 1 },
      unitPrice: { $ref: "money.json" },
    },
    required: ["sku", "quantity", "unitPrice"],
    additionalProperties: false,
  },
};

const common = (file: string) => `../../common/${file}`;

/** A property of an entity's events: its schema and a valid sample. */
interface Property {
  readonly schema: Record<string, unknown>;
  readonly sample: (rng: Rng) => unknown;
  readonly required?: false;
}

const ENTITY_PROPERTIES: Readonly<Record<string, Readonly<Record<string, Property>>>> = {
  orders: {
    orderNumber: {
      schema: { $ref: common("identifiers.json#/definitions/orderNumber") },
      sample: (rng) => `ORD-${digits(rng, 6)}`,
    },
    customer: { schema: { $ref: common("customer.json") }, sample: customer },
    items: {
      schema: { type: "array", minItems: 1, maxItems: 20, items: { $ref: common("line-item.json") } },
      sample: (rng) => Array.from({ length: 1 + Math.floor(rng() * 3) }, () => lineItem(rng)),
    },
    total: { schema: { $ref: common("money.json") }, sample: money },
  },
  payments: {
    paymentId: { schema: { $ref: common("identifiers.json#/definitions/uuid") }, sample: uuid },
    amount: { schema: { $ref: common("money.json") }, sample: money },
    method: {
      schema: { $ref: "#/definitions/method" },
      sample: (rng) =>
        rng() < 0.5
          ? { kind: "card", last4: digits(rng, 4) }
          : { kind: "sepa", iban: `NL${digits(rng, 2)}BANK${digits(rng, 10)}` },
    },
  },
  customers: {
    customer: { schema: { $ref: common("customer.json") }, sample: customer },
    marketingOptIn: { schema: { type: "boolean" }, sample: (rng) => rng() < 0.5, required: false },
  },
  shipments: {
    shipmentId: { schema: { $ref: common("identifiers.json#/definitions/uuid") }, sample: uuid },
    destination: { schema: { $ref: common("address.json") }, sample: address },
    parcels: {
      schema: { type: "integer", minimum: 1, maximum: 50 },
      sample: (rng) => 1 + Math.floor(rng() * 50),
    },
  },
  invoices: {
    invoiceNumber: {
      schema: { type: "string", pattern: "^INV-[0-9]{4}-[0-9]{5}$" },
      sample: (rng) => `INV-2026-${digits(rng, 5)}`,
    },
    amount: { schema: { $ref: common("money.json") }, sample: money },
    lines: {
      schema: { type: "array", items: { $ref: common("line-item.json") }, uniqueItems: true },
      sample: (rng) => [lineItem(rng)],
    },
  },
  carts: {
    cartId: { schema: { $ref: common("identifiers.json#/definitions/uuid") }, sample: uuid },
    items: {
      schema: { type: "array", items: { $ref: common("line-item.json") } },
      sample: (rng) => Array.from({ length: Math.floor(rng() * 3) }, () => lineItem(rng)),
    },
  },
  returns: {
    orderNumber: {
      schema: { $ref: common("identifiers.json#/definitions/orderNumber") },
      sample: (rng) => `ORD-${digits(rng, 6)}`,
    },
    reason: {
      schema: { type: "string", enum: ["damaged", "wrong-item", "not-needed"] },
      sample: (rng) => pick(rng, ["damaged", "wrong-item", "not-needed"]),
    },
  },
  inventory: {
    sku: {
      schema: { $ref: common("identifiers.json#/definitions/sku") },
      sample: (rng) => `XYZ-${digits(rng, 4)}`,
    },
    quantity: { schema: { type: "integer", minimum: 0 }, sample: (rng) => Math.floor(rng() * 1000) },
  },
};

/** The actions of each entity: one event file each. */
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  orders: ["created", "updated", "cancelled", "shipped", "completed"],
  payments: ["authorized", "captured", "refunded", "failed"],
  customers: ["registered", "updated", "deleted"],
  shipments: ["dispatched", "delivered", "returned"],
  invoices: ["issued", "paid", "voided"],
  carts: ["created", "abandoned", "checked-out"],
  returns: ["requested", "approved", "rejected"],
  inventory: ["reserved", "released"],
};

/** What some actions add to their entity's properties. */
const ACTION_PROPERTIES: Readonly<Record<string, Readonly<Record<string, Property>>>> = {
  cancelled: {
    reason: {
      schema: { type: "string", minLength: 3, maxLength: 200 },
      sample: (rng) => pick(rng, ["customer request", "out of stock"]),
    },
  },
  failed: {
    errorCode: { schema: { type: "string", pattern: "^E[0-9]{3}$" }, sample: (rng) => `E${digits(rng, 3)}` },
  },
  refunded: {
    refundedAt: { schema: { $ref: common("timestamps.json#/definitions/instant") }, sample: instant },
  },
  rejected: {
    note: {
      schema: { type: ["string", "null"], maxLength: 500 },
      sample: (rng) => (rng() < 0.5 ? null : "not eligible"),
    },
  },
};

const PAYMENT_METHOD = {
  oneOf: [
    {
      type: "object",
      properties: { kind: { const: "card" }, last4: { type: "string", pattern: "^[0-9]{4}$" } },
      required: ["kind", "last4"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { kind: { const: "sepa" }, iban: { type: "string", minLength: 15, maxLength: 34 } },
      required: ["kind", "iban"],
      additionalProperties: false,
    },
  ],
};

/** Builds the corpus: 7 shared definition files and 26 event files, 3 valid payloads per event. */
export function foreignCorpus(): ForeignCorpus {
  const schemas = new Map<string, Record<string, unknown>>();
  const payloads = new Map<string, unknown[]>();
  for (const [file, body] of Object.entries(COMMON)) {
    schemas.set(`common/${file}`, { $schema: DRAFT_07, $id: `common/${file}`, ...body });
  }
  let seed = 17;
  for (const [entity, actions] of Object.entries(ACTIONS)) {
    for (const action of actions) {
      const properties: Record<string, Property> = {
        eventId: { schema: { $ref: common("identifiers.json#/definitions/uuid") }, sample: uuid },
        occurredAt: { schema: { $ref: common("timestamps.json#/definitions/instant") }, sample: instant },
        ...ENTITY_PROPERTIES[entity],
        ...ACTION_PROPERTIES[action],
      };
      const rng = random(seed++);
      const samples = Array.from({ length: 3 }, () =>
        Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [name, property.sample(rng)]),
        ),
      );
      const file = `${entity}/${action}.schema.json`;
      const pascal = (word: string) =>
        word.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
      schemas.set(file, {
        $schema: DRAFT_07,
        $id: `events/${file}`,
        title: `${pascal(entity)} ${action}`,
        description: `Published when ${entity} are ${action.replace("-", " ")}.`,
        [VENDOR_KEYWORD]: `com.acme.events.${pascal(entity)}${pascal(action)}`,
        type: "object",
        properties: Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [name, property.schema]),
        ),
        required: Object.entries(properties)
          .filter(([, property]) => property.required !== false)
          .map(([name]) => name),
        additionalProperties: false,
        ...(entity === "payments" ? { definitions: { method: PAYMENT_METHOD } } : {}),
        examples: [samples[0]],
      });
      payloads.set(file, samples);
    }
  }
  return { schemas, payloads };
}
