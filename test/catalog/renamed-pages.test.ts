/**
 * The catalog keeps a renamed event type's old name: a Markdown and an HTML page that point to
 * the new event type, a row in the index, a list item and a search entry on the site.
 */
import { describe, expect, test } from "vitest";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import { contractModel, event, resolvedConfig } from "../codegen/emit/support/model.js";

const model = contractModel({
  events: [
    event(
      "order.submitted",
      { type: "object", properties: { orderId: { type: "string" } } },
      { renamedFrom: ["order.placed"], channel: "orders", domain: "orders" },
    ),
    event("order.cancelled", { type: "object" }, { channel: "orders", domain: "orders" }),
  ],
});
const files = emitCatalog(model, resolvedConfig());
const contents = (suffix: string) => {
  const file = files.find((candidate) => candidate.path.endsWith(suffix));
  if (file === undefined)
    throw new Error(`no file ending in ${suffix}: ${files.map((f) => f.path).join(", ")}`);
  return file.contents;
};

describe("a renamed event type's old name in the catalog", () => {
  test("has a Markdown page of its own that links to the new event type", () => {
    const page = contents("events/order.placed.md");
    expect(page).toContain("# order.placed — renamed\n");
    expect(page).toContain("`order.placed` was renamed to [order.submitted](order.submitted.md)");
    expect(contents("events/order.submitted.md")).toContain("| Renamed from | `order.placed` |");
  });

  test("is listed in the Markdown index", () => {
    const index = contents("index.md");
    expect(index).toContain("## Renamed event types");
    expect(index).toContain(
      "| [order.placed](events/order.placed.md) | [order.submitted](events/order.submitted.md) |",
    );
  });

  test("has an HTML page, a list item and a search entry on the site", () => {
    const page = contents("site/events/order.placed.html");
    expect(page).toContain('<a href="order.submitted.html">order.submitted</a>');
    const index = contents("site/index.html");
    expect(index).toContain(
      '<li id="event-order.placed"><a class="name" href="events/order.placed.html">order.placed</a>',
    );
    const { events: data } = JSON.parse(
      /<script id="catalog-data" type="application\/json">(.*?)<\/script>/s.exec(index)?.[1] ?? "{}",
    ) as {
      events: { slug: string; text: string }[];
    };
    expect(data.find((entry) => entry.slug === "order.placed")?.text).toBe(
      "order.placed renamed order.submitted",
    );
    // Searching for the old name finds the new event type too.
    expect(data.find((entry) => entry.slug === "order.submitted")?.text).toContain("order.placed");
  });

  test("writes nothing extra without a rename", () => {
    const plain = emitCatalog(
      contractModel({ events: [event("order.cancelled", { type: "object" })] }),
      resolvedConfig(),
    );
    expect(plain.some((file) => file.contents.includes("renamed"))).toBe(false);
  });
});
