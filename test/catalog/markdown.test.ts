import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import { contractModel, definition, event, ref, resolvedConfig } from "../codegen/emit/support/model.js";
import { exampleModel, REPOSITORY_ROOT } from "./support/example-catalog.js";

describe("emitCatalog on the example domain", () => {
  test("writes the Markdown catalog as in the snapshots", async () => {
    const { model, config } = await exampleModel();
    const markdown = emitCatalog(model, config).filter((file) => file.path.endsWith(".md"));
    expect(markdown.map((file) => file.path)).toContain("docs/catalog/events/order.placed.md");
    for (const file of markdown) {
      await expect(file.contents).toMatchFileSnapshot(
        `__snapshots__/${path.posix.relative(config.docs, file.path)}`,
      );
    }
  });

  test("is deterministic: two runs give byte-identical files in path order", async () => {
    const { model, config } = await exampleModel();
    const first = emitCatalog(model, config);
    const second = emitCatalog(structuredClone(model), config);
    expect(second).toEqual(first);
    const paths = first.map((file) => file.path);
    expect(paths).toEqual([...paths].sort());
  });

  test("the committed docs/catalog is what postbus docs writes", async () => {
    const { model, config } = await exampleModel();
    for (const file of emitCatalog(model, config)) {
      const onDisk = await readFile(path.join(REPOSITORY_ROOT, file.path), "utf8").catch(() => undefined);
      expect(onDisk, `${file.path} is stale: run postbus docs`).toBe(file.contents);
    }
  });
});

describe("emitCatalog markings", () => {
  const model = contractModel({
    definitions: [definition("Side", { type: "string", enum: ["buy", "sell"] })],
    events: [
      event(
        "order.placed",
        { type: "object", properties: { side: ref("Side") } },
        {
          deprecated: { reason: "Use version 2." },
        },
      ),
      event("order.placed", { type: "object", properties: { side: ref("Side") } }, { version: 2 }),
      event("order.sunset", { type: "object" }, { deprecated: { reason: undefined } }),
    ],
  });
  const files = emitCatalog(model, resolvedConfig());
  const contents = (suffix: string) => files.find((file) => file.path.endsWith(suffix))?.contents ?? "";

  test("marks an event type with a newer version as breaking and its older version as deprecated", () => {
    const page = contents("events/order.placed.md");
    expect(page).toContain("# order.placed (breaking: v2)");
    expect(page).toContain("## Version 1 — deprecated");
    expect(page).toContain("> **Deprecated.** Use version 2.");
    expect(contents("site/events/order.placed.html")).toContain(
      '<span class="badge breaking">breaking: v2</span>',
    );
  });

  test("marks an event type whose every version is deprecated", () => {
    expect(contents("index.md")).toContain("[order.sunset](events/order.sunset.md) (deprecated)");
    expect(contents("site/index.html")).toMatch(/order\.sunset<\/a><span class="badge deprecated">/);
  });
});
