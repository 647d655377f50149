/**
 * Regression tests for two wrong answers the official JSON-Schema-Test-Suite found in generated validators:
 * an overflowing `multipleOf` quotient that passed, and a `"$ref"` key inside `enum`/`const` data that
 * crashed the generator. Each runs the whole types-package emitter on a throwaway project.
 */
import { describe, expect, it } from "vitest";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { generateFiles, json } from "../support/project.js";
import { loadEmittedModule } from "./support/load-emitted-module.js";

const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";

async function validatorsOf(schema: Record<string, unknown>) {
  const result = await generateFiles(
    { "schemas/probe/probe.checked.json": json({ $schema: DRAFT_2020, ...schema }) },
    emitTypesPackage,
  );
  expect(result.diagnostics).toEqual([]);
  const file = (name: string) => result.files.find((entry) => entry.path.endsWith(`/src/${name}`));
  const validators = loadEmittedModule(file("validators.ts")?.contents ?? "");
  const payload = validators.ProbeCheckedSchema;
  if (payload === undefined) throw new Error("no ProbeCheckedSchema exported");
  return { accepts: (value: unknown) => payload.safeParse(value).success, types: file("types.ts")?.contents };
}

describe("multipleOf whose quotient overflows", () => {
  it("rejects 1e308 for multipleOf 0.123456789 (the quotient is Infinity, which is not a whole number)", async () => {
    const { accepts } = await validatorsOf({ type: "integer", multipleOf: 0.123456789 });
    expect(accepts(1e308)).toBe(false);
    expect(accepts(0)).toBe(true);
  });

  it("judges an overflowing quotient by the exact remainder: 1e308 and Number.MAX_VALUE are multiples of 0.5", async () => {
    const { accepts } = await validatorsOf({ type: "number", multipleOf: 0.5 });
    expect(accepts(1e308)).toBe(true);
    expect(accepts(Number.MAX_VALUE)).toBe(true);
    expect(accepts(0.25)).toBe(false);
  });
});

describe('a "$ref" key in enum or const data', () => {
  it("is data: the generator does not try to resolve it, and only the listed objects are accepted", async () => {
    const { accepts, types } = await validatorsOf({
      type: "object",
      required: ["pick", "fixed"],
      properties: {
        pick: { enum: [{ $ref: "#/foo" }, 2] },
        fixed: { const: { nested: [{ $ref: "#/bar" }] } },
      },
    });
    expect(accepts({ pick: { $ref: "#/foo" }, fixed: { nested: [{ $ref: "#/bar" }] } })).toBe(true);
    expect(accepts({ pick: 2, fixed: { nested: [{ $ref: "#/bar" }] } })).toBe(true);
    expect(accepts({ pick: { $ref: "#/other" }, fixed: { nested: [{ $ref: "#/bar" }] } })).toBe(false);
    expect(accepts({ pick: 2, fixed: { nested: [] } })).toBe(false);
    expect(types).toContain('pick: { $ref: "#/foo" } | 2;');
    expect(types).toContain('fixed: { nested: [{ $ref: "#/bar" }] };');
  });
});
