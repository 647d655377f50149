import { describe, expect, it } from "vitest";
import type { EventContract } from "../../../codegen/src/ir/model.js";
import { generateFiles, json } from "../support/project.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const schema = (extra: Record<string, unknown> = {}) =>
  json({ $schema: DRAFT_07, type: "object", properties: { id: { type: "string" } }, ...extra });

/** eventType, version and domain of every event the project generates, or its diagnostics. */
async function eventsOf(files: Record<string, string>) {
  const result = await generateFiles(files);
  return {
    events: (result.model?.events ?? []).map((event: EventContract) => ({
      eventType: event.eventType,
      version: event.version,
      domain: event.domain,
    })),
    diagnostics: result.diagnostics,
  };
}

/** A corpus with one folder per entity and files named after the action. */
const FOLDER_PER_EVENT = {
  "schemas/orders/created.schema.json": schema(),
  "schemas/orders/created.v2.schema.json": schema({ required: ["id"] }),
  "schemas/payments/created.schema.json": schema(),
  "schemas/ping.json": schema(),
};

describe('the config\'s "eventType" rule', () => {
  it("without one, takes the file name, so action-named files in entity folders collide, with a hint that names the rule", async () => {
    const { diagnostics } = await eventsOf(FOLDER_PER_EVENT);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_DUPLICATE_EVENT",
        message: 'Event type "created" version 1 is also defined by schemas/orders/created.schema.json',
        hint: expect.stringContaining('"eventType": { "from": "path", "pattern": "<folder>.<file-stem>" }'),
        location: expect.objectContaining({ file: "schemas/payments/created.schema.json", pointer: "" }),
      }),
    ]);
  });

  it("<folder>.<file-stem>: orders/created.schema.json is orders.created; a file at the top is its stem", async () => {
    const { events, diagnostics } = await eventsOf({
      ...FOLDER_PER_EVENT,
      "postbus.config.json": json({ eventType: { from: "path", pattern: "<folder>.<file-stem>" } }),
    });
    expect(diagnostics).toEqual([]);
    expect(events).toEqual([
      { eventType: "orders.created", version: 1, domain: "orders" },
      { eventType: "orders.created", version: 2, domain: "orders" },
      { eventType: "payments.created", version: 1, domain: "payments" },
      { eventType: "ping", version: 1, domain: "ping" },
    ]);
  });

  it("<folders>.<file-stem> joins every folder below the schema folder; x-postbus.eventType still wins", async () => {
    const { events, diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "path", pattern: "<folders>.<file-stem>" } }),
      "schemas/shop/orders/created.json": schema(),
      "schemas/shop/orders/cancelled.json": schema({ "x-postbus": { eventType: "order.cancelled" } }),
    });
    expect(diagnostics).toEqual([]);
    expect(events).toEqual([
      { eventType: "order.cancelled", version: 1, domain: "shop" },
      { eventType: "shop.orders.created", version: 1, domain: "shop" },
    ]);
  });

  it("from the $id: the pattern is applied to the id's path, wherever the file lies", async () => {
    const { events, diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "id", pattern: "<folder>.<file-stem>" } }),
      "schemas/a.json": schema({ $id: "https://acme.test/events/orders/created.v3.schema.json" }),
      "schemas/b.json": schema({ $id: "payments/refunded.json" }),
    });
    expect(diagnostics).toEqual([]);
    expect(events).toEqual([
      { eventType: "orders.created", version: 3, domain: "orders" },
      { eventType: "payments.refunded", version: 1, domain: "payments" },
    ]);
  });

  it("from the $id: a file without one is refused, naming the file and the rule", async () => {
    const { diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "id" } }),
      "schemas/orders/created.json": schema(),
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        message: "The file has no $id to derive its event type from",
        hint: 'Set x-postbus.eventType, or change "eventType" in postbus.config.json',
        location: expect.objectContaining({ file: "schemas/orders/created.json", pointer: "" }),
      }),
    ]);
  });

  it("from a field: the value of x-event-type (or title) is the event type", async () => {
    const { events, diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "field", field: "x-event-type" } }),
      "schemas/orders/created.schema.json": schema({ "x-event-type": "order.created" }),
      "schemas/orders/created.v2.schema.json": schema({ "x-event-type": "order.created" }),
    });
    expect(diagnostics).toEqual([]);
    expect(events).toEqual([
      { eventType: "order.created", version: 1, domain: "orders" },
      { eventType: "order.created", version: 2, domain: "orders" },
    ]);
  });

  it("from a field: a missing field, or a value the name allow-list refuses, is reported at the field", async () => {
    const { diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "field", field: "title" } }),
      "schemas/orders/created.json": schema({ title: "Order created!" }),
      "schemas/orders/paid.json": schema(),
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        message: expect.stringContaining('(derived from the field "title"; set x-postbus.eventType)'),
        location: expect.objectContaining({
          file: "schemas/orders/created.json",
          pointer: "/title",
          line: 9,
        }),
      }),
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        message: 'The field "title" is missing; the config derives event types from it',
        location: expect.objectContaining({ file: "schemas/orders/paid.json", pointer: "" }),
      }),
    ]);
  });

  it("two files whose derived types collide are a duplicate located at the field they came from", async () => {
    const { diagnostics } = await eventsOf({
      "postbus.config.json": json({ eventType: { from: "field", field: "title" } }),
      "schemas/orders/a.json": schema({ title: "order.created" }),
      "schemas/orders/b.json": schema({ title: "order.created" }),
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_DUPLICATE_EVENT",
        hint: "Give one of them another version (x-postbus.version or a .v<N> file suffix), or remove it",
        location: expect.objectContaining({ file: "schemas/orders/b.json", pointer: "/title" }),
      }),
    ]);
  });
});
