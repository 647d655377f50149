import { describe, expect, it } from "vitest";
import { generateFiles, json } from "../support/project.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const BASE_LESS = json({ definitions: ["schemas/defs/**"], idBase: "none" });

/** An event whose id lies in `events/`, not where the file is, reaching money through the ids. */
const CREATED = json({
  $schema: DRAFT_07,
  $id: "events/orders/created.json",
  type: "object",
  properties: {
    total: { $ref: "../../common/money.json" },
    note: { $ref: "../../common/texts.json#/definitions/note" },
  },
  required: ["total"],
});
const MONEY = json({
  $schema: DRAFT_07,
  $id: "common/money.json",
  type: "object",
  properties: { amount: { type: "number" }, currency: { $ref: "currency.json" } },
  required: ["amount", "currency"],
});
const CURRENCY = json({ $schema: DRAFT_07, $id: "common/currency.json", enum: ["EUR", "USD"] });
const TEXTS = json({
  $schema: DRAFT_07,
  $id: "common/texts.json",
  definitions: { note: { type: "string", maxLength: 140 } },
});

const PUBLISHED = {
  "schemas/orders/created.json": CREATED,
  "schemas/defs/money.json": MONEY,
  "schemas/defs/currency.json": CURRENCY,
  "schemas/defs/texts.json": TEXTS,
};

describe('"idBase": "none" (relative $ids in a base-less id space, as ajv has them)', () => {
  it("resolves $refs among relative ids, wherever the files lie", async () => {
    const result = await generateFiles({ "postbus.config.json": BASE_LESS, ...PUBLISHED });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.definitions.map((definition) => definition.name).sort()).toEqual([
      "Currency",
      "Money",
      "Note",
    ]);
    expect(result.model?.events[0]?.schema).toMatchObject({
      properties: { total: { $ref: "#/$defs/Money" }, note: { $ref: "#/$defs/Note" } },
    });
  });

  it('with the default "file", the events\' $refs do not resolve, and the hint names idBase', async () => {
    const result = await generateFiles({
      "postbus.config.json": json({ definitions: ["schemas/defs/**"] }),
      ...PUBLISHED,
    });
    expect(result.diagnostics.map((d) => [d.code, d.location.file, d.location.pointer])).toEqual([
      ["POSTBUS_SCHEMA_UNRESOLVED_REF", "schemas/orders/created.json", "/properties/total/$ref"],
      ["POSTBUS_SCHEMA_UNRESOLVED_REF", "schemas/orders/created.json", "/properties/note/$ref"],
    ]);
    expect(result.diagnostics[0]?.hint).toContain(
      'This file\'s $id "events/orders/created.json" is relative: if the ids were written for a base-less id space (as ajv resolves them), set "idBase": "none" in postbus.config.json',
    );
  });

  it("a file without an $id is its path below the schema folder, next to the ids; absolute ids stay absolute", async () => {
    const result = await generateFiles({
      "postbus.config.json": BASE_LESS,
      "schemas/orders/placed.json": json({
        type: "object",
        properties: {
          side: { $ref: "../defs/side.json" },
          price: { $ref: "https://acme.test/price.json" },
          total: { $ref: "../common/money.json" },
        },
      }),
      "schemas/defs/side.json": json({ enum: ["buy", "sell"] }),
      "schemas/defs/price.json": json({ $id: "https://acme.test/price.json", type: "number" }),
      "schemas/defs/money.json": MONEY,
      "schemas/defs/currency.json": CURRENCY,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.definitions.map((definition) => definition.name).sort()).toEqual([
      "Currency",
      "Money",
      "Price",
      "Side",
    ]);
  });

  it("a nested relative $id is resolved against the id of the schema around it", async () => {
    const result = await generateFiles({
      "postbus.config.json": BASE_LESS,
      "schemas/orders/created.json": json({
        $id: "events/orders/created.json",
        type: "object",
        properties: { code: { $ref: "../../common/codes/country.json" } },
      }),
      "schemas/defs/codes.json": json({
        $id: "common/codes/all.json",
        definitions: { country: { $id: "country.json", type: "string", pattern: "^[A-Z]{2}$" } },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.definitions.map((definition) => definition.name)).toEqual(["Country"]);
  });

  it("two files declaring one relative id are reported with the id as written", async () => {
    const result = await generateFiles({
      "postbus.config.json": BASE_LESS,
      "schemas/defs/money.json": MONEY,
      "schemas/defs/money-copy.json": MONEY,
      "schemas/defs/currency.json": CURRENCY,
    });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_BAD_KEYWORD",
        message: "The id common/money.json is also declared by schemas/defs/money-copy.json",
        location: expect.objectContaining({ file: "schemas/defs/money.json", pointer: "/$id" }),
      }),
    ]);
  });
});
