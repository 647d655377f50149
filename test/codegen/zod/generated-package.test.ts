/**
 * The generated package's sources type-check under the repository's strict options when schemas use the
 * keyword classes these validators model late: `unevaluated*`, `$dynamicRef`, a `$ref` to the bundled
 * 2020-12 meta-schema (with its vocabularies), properties named like `Object.prototype` members.
 */
import { describe, expect, it } from "vitest";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { generateFiles, json } from "../support/project.js";
import { loadEmittedModule } from "./support/load-emitted-module.js";
import { typecheck } from "./support/typecheck.js";

const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";

describe("a generated package with the late keyword classes", () => {
  it("type-checks, and its validator checks a JSON Schema against the bundled meta-schema", async () => {
    const result = await generateFiles(
      {
        "schemas/schemas/schema.published.json": json({
          $schema: DRAFT_2020,
          type: "object",
          required: ["schema"],
          properties: {
            schema: { $ref: DRAFT_2020 },
            tags: { $dynamicRef: "#tag" },
            constructor: { type: "string" },
          },
          unevaluatedProperties: false,
          $defs: { tag: { $dynamicAnchor: "tag", type: "array", unevaluatedItems: false } },
        }),
      },
      emitTypesPackage,
    );
    expect(result.diagnostics).toEqual([]);
    const sources = Object.fromEntries(
      result.files
        .filter((file) => /\/src\/[^/]+\.ts$/.test(file.path))
        .map((file) => [file.path.split("/").at(-1) as string, file.contents]),
    );
    expect(typecheck(sources)).toEqual([]);
    const payload = loadEmittedModule(sources["validators.ts"] ?? "").SchemaPublishedSchema;
    if (payload === undefined) throw new Error("no SchemaPublishedSchema exported");
    const accepts = (value: unknown) => payload.safeParse(value).success;
    expect(accepts({ schema: { type: "object", properties: { a: { minLength: 1 } } } })).toBe(true);
    expect(accepts({ schema: true, tags: [] })).toBe(true);
    expect(accepts({ schema: { type: "objekt" } })).toBe(false);
    expect(accepts({ schema: { properties: { a: { minLength: -1 } } } })).toBe(false);
    expect(accepts({ schema: {}, tags: ["a"] })).toBe(false);
    expect(accepts({ schema: {}, other: 1 })).toBe(false);
    expect(accepts({})).toBe(false);
  });
});
