/**
 * The emitters remember per-event work between runs (`--watch`): catalog pages, search items and
 * group pages by their entries' contents, JSON Schema and zod declarations by the event's and the
 * definitions' contents. A remembered piece must never outlive what it was made from: after every
 * edit below, a run that follows the earlier runs must equal a run with nothing remembered, for
 * every file of the types package and the catalog.
 */
import { describe, expect, test } from "vitest";
import type { ResolvedConfig } from "../../../codegen/src/config/config.js";
import { scriptJson } from "../../../codegen/src/emit/catalog/escape.js";
import { emitCatalog } from "../../../codegen/src/emit/catalog/index.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { forgetEmitMemos } from "../../../codegen/src/emit/memo.js";
import type { ContractModel, EventContract, SchemaDefinition } from "../../../codegen/src/ir/model.js";
import { contractModel, definition, event, ref, resolvedConfig } from "./support/model.js";

const object = (properties: Record<string, unknown>) => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** A model with a request, its reply and error reply, shared definitions, owners and slices. */
function baseModel(): { events: EventContract[]; definitions: SchemaDefinition[] } {
  return {
    definitions: [
      definition("Money", {
        ...object({ amount: { type: "string" }, currency: ref("Currency") }),
        description: "An amount.",
      }),
      definition("Currency", { type: "string", enum: ["USD", "EUR"], description: "ISO 4217." }),
    ],
    events: [
      event("risk.check.requested", object({ orderId: { type: "string" }, limit: ref("Money") }), {
        domain: "risk",
        responseType: "risk.check.completed",
        errorResponseType: "risk.check.failed",
        producers: ["orders"],
        consumers: ["risk"],
        owners: ["risk-desk"],
        examples: [{ orderId: "o-1", limit: { amount: "1", currency: "USD" } }],
      }),
      event("risk.check.completed", object({ approved: { type: "boolean" } }), {
        domain: "risk",
        producers: ["risk"],
        consumers: ["orders"],
      }),
      event("risk.check.failed", object({ reason: { type: "string" } }), { domain: "risk" }),
      event("order.placed", object({ orderId: { type: "string" }, price: ref("Money") }), {
        description: "An order was placed: </script> & <b>not HTML</b>\u2028.",
        consumers: ["risk", "ledger"],
      }),
      event("fill.received", object({ qty: { type: "integer", minimum: 1 } }), { owners: ["execution"] }),
    ],
  };
}

type Parts = ReturnType<typeof baseModel>;
type Edit = readonly [name: string, edit: (parts: Parts) => Parts, config?: Partial<ResolvedConfig>];

const changeEvent = (parts: Parts, eventType: string, change: Partial<EventContract>): Parts => ({
  ...parts,
  events: parts.events.map((e) => (e.eventType === eventType ? { ...e, ...change } : e)),
});

const EDITS: readonly Edit[] = [
  ["an event's description", (p) => changeEvent(p, "order.placed", { description: "Placed, edited." })],
  [
    "a reply's producers (drawn on its request's page and graph)",
    (p) => changeEvent(p, "risk.check.completed", { producers: ["risk", "risk-v2"] }),
  ],
  [
    "a reply's schema (the request's snippet and search item)",
    (p) =>
      changeEvent(p, "risk.check.failed", {
        schema: object({ reason: { type: "string" }, code: { type: "integer" } }),
      }),
  ],
  [
    "a shared definition's description (every schema that reaches it)",
    (p) => ({
      ...p,
      definitions: p.definitions.map((d) =>
        d.name === "Currency" ? definition("Currency", { type: "string", enum: ["USD", "EUR", "GBP"] }) : d,
      ),
    }),
  ],
  ["a new domain (a group appears)", (p) => changeEvent(p, "fill.received", { domain: "execution" })],
  [
    "a request that no longer has an error reply",
    (p) => changeEvent(p, "risk.check.requested", { errorResponseType: undefined }),
  ],
  [
    "a new event type that replies to nothing yet",
    (p) => ({
      ...p,
      events: [...p.events, event("order.cancelled", object({ orderId: { type: "string" } }))],
    }),
  ],
  [
    "an event type removed",
    (p) => ({ ...p, events: p.events.filter((e) => e.eventType !== "fill.received") }),
  ],
  ["a new owner", (p) => changeEvent(p, "order.placed", { owners: ["orders-team"] })],
  [
    "the package name in the config",
    (p) => p,
    { types: { ...resolvedConfig().types, name: "@acme/contracts" } },
  ],
  ["the catalog folder in the config", (p) => p, { docs: "docs/events" }],
  ["back to the start", () => baseModel()],
];

async function emitAll(model: ContractModel, config: ResolvedConfig) {
  const files = [...(await emitTypesPackage(model, config)), ...emitCatalog(model, config)];
  return Object.fromEntries(files.map((file) => [file.path, file.contents]));
}

describe("remembered emitter output", () => {
  test("after each edit, a run that follows earlier runs equals a run with nothing remembered", async () => {
    const states: { name: string; model: ContractModel; config: ResolvedConfig }[] = [];
    let parts = baseModel();
    let config = resolvedConfig();
    states.push({ name: "the start", model: contractModel(parts), config });
    for (const [name, edit, configChange] of EDITS) {
      parts = edit(parts);
      config = { ...config, ...configChange };
      states.push({ name, model: contractModel(parts), config });
    }
    const cold = [];
    for (const state of states) {
      forgetEmitMemos();
      cold.push(await emitAll(state.model, state.config));
    }
    // One watch session through every state: what it remembers accumulates over the whole history.
    forgetEmitMemos();
    for (const [index, state] of states.entries()) {
      const warm = await emitAll(state.model, state.config);
      const want = cold[index] ?? {};
      expect(Object.keys(warm), state.name).toEqual(Object.keys(want));
      for (const [file, contents] of Object.entries(want))
        expect(warm[file], `${state.name}: ${file}`).toBe(contents);
    }
  }, 60_000);

  test("an edit to one event leaves the other events' pages as they were", async () => {
    forgetEmitMemos();
    const before = await emitAll(contractModel(baseModel()), resolvedConfig());
    const after = await emitAll(
      contractModel(changeEvent(baseModel(), "fill.received", { description: "Edited." })),
      resolvedConfig(),
    );
    const changed = Object.keys(after).filter((file) => after[file] !== before[file]);
    expect(changed).toContain("docs/catalog/events/fill.received.md");
    expect(changed).toContain("docs/catalog/site/events/fill.received.html");
    expect(changed).not.toContain("docs/catalog/site/events/order.placed.html");
    expect(changed).not.toContain("docs/catalog/events/risk.check.requested.md");
  });

  test("the search index, joined from remembered items, is exactly the escaped JSON of its value", async () => {
    forgetEmitMemos();
    await emitAll(contractModel(baseModel()), resolvedConfig());
    const edited = changeEvent(baseModel(), "fill.received", { description: "Edited <now>." });
    const index =
      (await emitAll(contractModel(edited), resolvedConfig()))["docs/catalog/site/index.html"] ?? "";
    const script =
      /<script id="catalog-data" type="application\/json">(.*?)<\/script>/s.exec(index)?.[1] ?? "";
    expect(script).not.toMatch(/[<>&\u2028]/);
    const data = JSON.parse(script) as {
      events: { slug: string; text: string }[];
      definitions: { name: string }[];
    };
    expect(script).toBe(scriptJson(data));
    expect(data.events.map((item) => item.slug)).toEqual([
      "fill.received",
      "order.placed",
      "risk.check.completed",
      "risk.check.failed",
      "risk.check.requested",
    ]);
    expect(data.events[0]?.text).toContain("edited <now>.");
    expect(data.definitions.map((item) => item.name)).toEqual(["Currency", "Money"]);
  });
});
