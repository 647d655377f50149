import { describe, expect, test } from "vitest";
import { catalogEntries } from "../../codegen/src/emit/catalog/catalog-entries.js";
import { catalogGroups } from "../../codegen/src/emit/catalog/catalog-groups.js";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import { contractModel, event, resolvedConfig } from "../codegen/emit/support/model.js";

const model = contractModel({
  events: [
    event("order.placed", { type: "object" }, { owners: ["@acme/Orders"], consumers: ["risk"] }),
    event("order.placed", { type: "object" }, { version: 2, owners: ["_acme_orders"], consumers: ["risk"] }),
    event("risk.flagged", { type: "object" }, { producers: ["risk"], owners: ["@acme/Orders"] }),
    event("audit.noted", { type: "object" }, { producers: [] }),
  ],
});

describe("catalogGroups", () => {
  test("gives owners whose slugs collide (case and punctuation) distinct pages", () => {
    const { owners } = catalogGroups(catalogEntries(model));
    expect(owners.map((owner) => [owner.name, owner.slug])).toEqual([
      ["@acme/Orders", "_acme_orders"],
      ["_acme_orders", "_acme_orders-2"],
    ]);
    expect(owners[0]?.entries.map((entry) => entry.eventType)).toEqual(["order.placed", "risk.flagged"]);
    // The owners of every version count, not only the newest's.
    expect(owners[1]?.entries.map((entry) => entry.eventType)).toEqual(["order.placed"]);
  });

  test("splits a slice's events into what it produces and what it consumes", () => {
    const risk = catalogGroups(catalogEntries(model)).slices.find((slice) => slice.name === "risk");
    expect(risk?.produces.map((entry) => entry.eventType)).toEqual(["risk.flagged"]);
    expect(risk?.consumes.map((entry) => entry.eventType)).toEqual(["order.placed"]);
  });

  test("writes a Markdown and an HTML page per owner, domain and slice, and says when no owner is declared", () => {
    const files = emitCatalog(model, resolvedConfig());
    const paths = files.map((file) => file.path).filter((file) => /\/(owners|domains|slices)\//.test(file));
    expect(
      paths.filter((file) => file.endsWith(".md")).map((file) => file.split("/").slice(-2).join("/")),
    ).toEqual([
      "domains/audit.md",
      "domains/order.md",
      "domains/risk.md",
      "owners/_acme_orders-2.md",
      "owners/_acme_orders.md",
      "slices/order.md",
      "slices/risk.md",
    ]);
    expect(paths.filter((file) => file.endsWith(".html"))).toHaveLength(7);
    const audit = files.find((file) => file.path.endsWith("site/domains/audit.html"))?.contents ?? "";
    expect(audit).toContain("no owners declared");
    const index = files.find((file) => file.path.endsWith("/index.md"))?.contents ?? "";
    expect(index).toContain("- [@acme/Orders](owners/_acme_orders.md)");
  });
});
