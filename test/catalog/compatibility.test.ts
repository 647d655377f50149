/**
 * The catalog's compatibility between consecutive versions: the verdict comes from `postbus
 * check`'s rules, so "breaking" is shown (badge, rule, counterexample) only when a payload of
 * one version is proven to be rejected by the other, in Markdown and in HTML.
 */
import { describe, expect, test } from "vitest";
import type { ResolvedConfig } from "../../codegen/src/config/config.js";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import type { EventContract, GeneratedFile, NormalizedSchema } from "../../codegen/src/ir/model.js";
import { createAjv } from "../../codegen/src/validate/example-ajv.js";
import { contractModel, event, resolvedConfig } from "../codegen/emit/support/model.js";

const V1: NormalizedSchema = {
  type: "object",
  properties: {
    orderId: { type: "string", maxLength: 10 },
    side: { type: "string", enum: ["buy", "sell"] },
    quantity: { type: "integer", minimum: 1 },
    customerId: { type: "string" },
    note: { type: "string", pattern: "^[a-z]+$" },
  },
  required: ["orderId", "side", "quantity", "customerId"],
  additionalProperties: false,
};

/** The edit of issue 11: a required property added, one removed, an integer turned into a string. */
const BREAKING_V2: NormalizedSchema = {
  type: "object",
  properties: {
    orderId: { type: "string", maxLength: 10 },
    side: { type: "string", enum: ["buy", "sell"] },
    quantity: { type: "string" },
    note: { type: "string", pattern: "^[a-z]+$" },
    salesChannel: { type: "string", enum: ["web", "shop"] },
  },
  required: ["orderId", "side", "quantity", "salesChannel"],
  additionalProperties: false,
};

/** Only widening: a longer maxLength, one more enum value, a property no longer required. */
const COMPATIBLE_V2: NormalizedSchema = {
  type: "object",
  properties: {
    orderId: { type: "string", maxLength: 20 },
    side: { type: "string", enum: ["buy", "sell", "hold"] },
    quantity: { type: "integer", minimum: 1 },
    customerId: { type: "string" },
    note: { type: "string", pattern: "^[a-z]+$" },
  },
  required: ["orderId", "side", "quantity"],
  additionalProperties: false,
};

/** A changed pattern no rule decides (it happens to accept more). */
const UNDECIDED_V2: NormalizedSchema = {
  ...(V1 as object),
  properties: {
    ...(V1 as { properties: object }).properties,
    note: { type: "string", pattern: "^[a-z0-9]+$" },
  },
};

function catalog(
  v2: NormalizedSchema,
  options: { v2?: Partial<EventContract>; config?: Partial<ResolvedConfig> } = {},
): (suffix: string) => string {
  const model = contractModel({
    events: [
      event("order.placed", V1),
      event("order.placed", v2, { version: 2, ...options.v2 }),
      event("order.cancelled", { type: "object" }),
    ],
  });
  const files: GeneratedFile[] = emitCatalog(model, resolvedConfig(options.config));
  return (suffix) => {
    const file = files.find((candidate) => candidate.path.endsWith(suffix));
    if (file === undefined) throw new Error(`no ${suffix} in the catalog`);
    return file.contents;
  };
}

/** The counterexamples of a Markdown page, parsed. */
function markdownCounterexamples(page: string): unknown[] {
  return [
    ...page.matchAll(
      /Counterexample, valid under version \d+ and rejected by version \d+[^\n]*:\n\n {3}```json\n([\s\S]*?)\n {3}```/g,
    ),
  ].map(([, json]) => JSON.parse(json as string));
}

/** The counterexamples of an HTML page, parsed. */
function htmlCounterexamples(page: string): unknown[] {
  return [...page.matchAll(/<pre class="counterexample"><code>([\s\S]*?)<\/code><\/pre>/g)].map(([, html]) =>
    JSON.parse(
      (html as string)
        .replaceAll("&quot;", '"')
        .replaceAll("&#39;", "'")
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">")
        .replaceAll("&amp;", "&"),
    ),
  );
}

describe("catalog compatibility between versions", () => {
  describe("a breaking version (required added, property removed, integer → string)", () => {
    const contents = catalog(BREAKING_V2);

    test("Markdown: badge on the page and in the index, verdict, rules and where they are", () => {
      const page = contents("events/order.placed.md");
      expect(page).toContain("# order.placed (breaking: v2)");
      expect(contents("index.md")).toContain("[order.placed](events/order.placed.md) (breaking: v2)");
      expect(page).toContain("| Compatibility | v1 → v2: breaking under `BACKWARD` |");
      expect(page).toContain("### Changes from version 1");
      expect(page).toMatch(/\*\*Breaking\*\* under `BACKWARD`: \d+ changes proven by a counterexample\./);
      expect(page).toContain(
        '**Breaking** (`required-added`): "salesChannel" is now required, for a consumer on version 2 reading events written under version 1.',
      );
      expect(page).toContain(
        '**Breaking** (`property-removed-closed`): "customerId" removed from an object that allows no other properties',
      );
      expect(page).toContain(
        "**Breaking** (`type-narrowed`): type integer → string (integer no longer accepted), for a consumer on version 2 reading events written under version 1. Where: old `schemas/order/order.placed.json#/properties/quantity`, new `schemas/order/order.placed.v2.json#/properties/quantity/type`.",
      );
      expect(page).toContain(
        "Counterexample, valid under version 1 and rejected by version 2 (`/quantity must be string`):",
      );
    });

    test("Markdown: fields added, removed and changed between the versions", () => {
      const page = contents("events/order.placed.md");
      expect(page).toContain("| Field | Change | Version 1 | Version 2 |");
      expect(page).toContain('| `salesChannel` | added | — | string, required, `one of: "web", "shop"` |');
      expect(page).toContain("| `customerId` | removed | string, required | — |");
      expect(page).toContain("| `quantity` | changed | integer, required, `minimum: 1` | string, required |");
      expect(page).not.toMatch(/\| `orderId` \| changed/);
    });

    test("every counterexample shown is valid under version 1 and rejected by version 2 (ajv)", () => {
      const ajv = createAjv();
      const [old, current] = [ajv.compile(V1 as object), ajv.compile(BREAKING_V2 as object)];
      for (const found of [
        markdownCounterexamples(contents("events/order.placed.md")),
        htmlCounterexamples(contents("site/events/order.placed.html")),
      ]) {
        expect(found.length).toBeGreaterThanOrEqual(2);
        for (const payload of found) {
          expect(old(payload), JSON.stringify(payload)).toBe(true);
          expect(current(payload), JSON.stringify(payload)).toBe(false);
        }
      }
    });

    test("HTML: badge on the page and in the index, verdict in the history, rules and field changes", () => {
      const page = contents("site/events/order.placed.html");
      expect(page).toContain('<h1>order.placed<span class="badge breaking">breaking: v2</span></h1>');
      expect(contents("site/index.html")).toContain(
        'order.placed</a><span class="badge breaking">breaking: v2</span>',
      );
      expect(page).toContain(
        '<a class="verdict breaking" href="#v2-changes">breaking</a> from v1 under <code>BACKWARD</code>',
      );
      expect(page).toContain('<h3 id="v2-changes">Changes from version 1</h3>');
      expect(page).toContain('<li class="finding breaking">');
      expect(page).toContain("(<code>required-added</code>): &quot;salesChannel&quot; is now required");
      expect(page).toContain("(<code>type-narrowed</code>)");
      expect(page).toContain(
        '<tr class="removed"><td><code>customerId</code></td><td>removed</td><td>string, required</td><td>—</td></tr>',
      );
      expect(page).toContain('<tr class="added"><td><code>salesChannel</code></td><td>added</td>');
    });
  });

  describe("a compatible version (only widening)", () => {
    const contents = catalog(COMPATIBLE_V2);

    test("Markdown: no badge, the verdict says compatible and the fields that changed", () => {
      const page = contents("events/order.placed.md");
      expect(page).toContain("# order.placed\n");
      expect(page).not.toContain("breaking");
      expect(contents("index.md")).not.toContain("breaking");
      expect(page).toContain("| Compatibility | v1 → v2: compatible under `BACKWARD` |");
      expect(page).toContain(
        "**Compatible** under `BACKWARD`: a consumer on version 2 reads every event written under version 1.",
      );
      expect(page).toContain(
        "| `orderId` | changed | string, required, `maxLength: 10` | string, required, `maxLength: 20` |",
      );
      expect(page).toContain("| `customerId` | changed | string, required | string, optional |");
      expect(markdownCounterexamples(page)).toEqual([]);
    });

    test("HTML: no badge, the verdict says compatible", () => {
      const page = contents("site/events/order.placed.html");
      expect(page).not.toContain('class="badge breaking"');
      expect(contents("site/index.html")).not.toContain('class="badge breaking"');
      expect(page).toContain(
        '<a class="verdict compatible" href="#v2-changes">compatible</a> from v1 under <code>BACKWARD</code>',
      );
      expect(page).toContain(
        '<p class="verdict compatible"><strong>Compatible</strong> under <code>BACKWARD</code>',
      );
      expect(page).not.toContain('<li class="finding');
    });

    test("the same change is breaking under the event's own FORWARD mode", () => {
      const forward = catalog(COMPATIBLE_V2, { v2: { compatibility: "FORWARD" } });
      const page = forward("events/order.placed.md");
      expect(page).toContain("# order.placed (breaking: v2)");
      expect(page).toContain("for a consumer on version 1 reading events written under version 2");
      const ajv = createAjv();
      const [old, current] = [ajv.compile(V1 as object), ajv.compile(COMPATIBLE_V2 as object)];
      const found = markdownCounterexamples(page);
      expect(found.length).toBeGreaterThan(0);
      for (const payload of found) {
        expect(current(payload)).toBe(true);
        expect(old(payload)).toBe(false);
      }
    });

    test("the config's default mode applies to contracts that name none", () => {
      const page = catalog(COMPATIBLE_V2, { config: { compatibility: "FULL" } })("events/order.placed.md");
      expect(page).toContain("| Compatibility | v1 → v2: breaking under `FULL` |");
    });
  });

  test("a change no rule decides is shown as cannot prove, without the badge", () => {
    const contents = catalog(UNDECIDED_V2);
    const page = contents("events/order.placed.md");
    expect(page).not.toContain("(breaking");
    expect(page).toContain("| Compatibility | v1 → v2: cannot prove under `BACKWARD` |");
    expect(page).toContain("**Cannot prove** (`pattern-changed`)");
    expect(page).toContain(
      "| `note` | changed | string, optional, `pattern: ^[a-z]+$` | string, optional, `pattern: ^[a-z0-9]+$` |",
    );
    expect(contents("site/events/order.placed.html")).toContain('<li class="finding unproven">');
    expect(contents("site/events/order.placed.html")).not.toContain('class="badge breaking"');
  });

  test("mode NONE is not checked and never breaking", () => {
    const page = catalog(BREAKING_V2, { v2: { compatibility: "NONE" } })("events/order.placed.md");
    expect(page).toContain("| Compatibility | v1 → v2: not checked under `NONE` |");
    expect(page).not.toContain("(breaking");
    expect(page).toContain("| `customerId` | removed | string, required | — |");
  });

  test("a _TRANSITIVE mode checks the newest version against every earlier one", () => {
    const v3 = {
      ...(BREAKING_V2 as object),
      description: "Version 3 only documents more.",
    } as NormalizedSchema;
    const model = contractModel({
      events: [
        event("order.placed", V1),
        event("order.placed", BREAKING_V2, { version: 2, compatibility: "NONE" }),
        event("order.placed", v3, { version: 3, compatibility: "BACKWARD_TRANSITIVE" }),
      ],
    });
    const page =
      emitCatalog(model, resolvedConfig()).find((file) => file.path.endsWith("events/order.placed.md"))
        ?.contents ?? "";
    expect(page).toContain("# order.placed (breaking: v3)");
    expect(page).toContain("v2 → v3: breaking under `BACKWARD_TRANSITIVE`");
    expect(page).toContain("for a consumer on version 3 reading events written under version 1");
    expect(page).not.toContain("reading events written under version 2");
  });
});
