import ts from "typescript";
import { describe, expect, test } from "vitest";
import { emitJsonSchemas, jsonSchemaName, standalone } from "../../../codegen/src/emit/emit-json-schemas.js";
import { emitRegistry } from "../../../codegen/src/emit/emit-registry.js";
import { emitTypes } from "../../../codegen/src/emit/emit-types.js";
import { emitValidators } from "../../../codegen/src/emit/emit-validators.js";
import {
  formatByStatement,
  formatMembers,
  formatMissing,
  formatTypeScript,
} from "../../../codegen/src/emit/format-typescript.js";
import { ContentMemo, forgetEmitMemos } from "../../../codegen/src/emit/memo.js";
import { emitZodModule } from "../../../codegen/src/emit/zod/emit-zod.js";
import { contractModel, definition, event, ref, tradingModel } from "./support/model.js";

const object = (properties: Record<string, unknown>) => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

describe("ContentMemo", () => {
  test("keeps what was used since the last turnover and drops the generation before it", () => {
    const memo = new ContentMemo<number>(2);
    let computed = 0;
    const get = (key: string) => memo.get(key, () => ++computed);
    expect([get("a"), get("b"), get("a")]).toEqual([1, 2, 1]);
    // "c" fills a new generation; "a" and "b" are still found in the one before.
    expect(get("c")).toBe(3);
    expect([memo.has("a"), memo.has("b"), memo.has("c")]).toEqual([true, true, true]);
    // "a" is used again (carried into the new generation); "d" turns the generations over once more.
    expect(get("a")).toBe(1);
    expect(get("d")).toBe(4);
    expect([memo.has("a"), memo.has("b"), memo.has("c"), memo.has("d")]).toEqual([true, false, true, true]);
    expect(memo.size).toBe(3);
    expect(computed).toBe(4);
  });

  test("forgets a rejected promise, so the next use computes again", async () => {
    const memo = new ContentMemo<Promise<number>>(10);
    await expect(memo.get("k", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await expect(memo.get("k", () => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe("formatting piece by piece", () => {
  const module = [
    "// Generated.\n// Do not edit.",
    'import { z } from "zod";',
    "/** Doc. */\nconst helper = (value: string): boolean => {\n  const a = 1;\n\n  return value.length > a;\n};",
    "const text = `one\n\nexport const Inside = 1;\n`;",
    "export const A = z.strictObject({ a: z.string(), b: z.number(), c: z.array(z.string()), d: z.boolean(), e: z.null() });",
    "/** Two. */\nexport type B = { readonly x: string; readonly y: number; readonly z: boolean; readonly w: unknown; readonly v: null };",
    "",
  ].join("\n\n");

  test.each([
    { name: "cold (one Prettier call for every statement)", warm: false },
    { name: "statement by statement", warm: true },
  ])("formatByStatement gives what Prettier gives for the whole module, $name", async ({ warm }) => {
    forgetEmitMemos();
    if (warm) await formatByStatement(module);
    expect(await formatByStatement(module)).toBe(await formatTypeScript(module));
  });

  test("formatMissing leaves chunks it cannot cut apart to be formatted one by one", async () => {
    forgetEmitMemos();
    await formatMissing(["const a = {", "};"]);
    await expect(formatByStatement("const a = 1;\n\nconst b = {\n\n};\n")).resolves.toBe(
      "const a = 1;\n\nconst b = {};\n",
    );
  });

  test.each([
    { name: "together", members: ['  "a.b": { x: [1,2,3] },', '  /** Doc. */\n  "c": 1,'] },
    { name: "alone", members: ['  "a.b": { x: [1,2,3] },'] },
  ])("formatMembers lays members out as inside the whole object ($name)", async ({ members }) => {
    forgetEmitMemos();
    const whole = await formatTypeScript(`export const o = {\n${members.join("\n")}\n} as const;\n`);
    const parts = await formatMembers(members, "const");
    expect(`export const o = {\n${parts.join("")}} as const;\n`).toBe(whole);
  });
});

describe("incremental emission", () => {
  const model = (feeDescription: string) =>
    contractModel({
      definitions: [
        definition("Money", object({ amount: { type: "string" } })),
        definition("Side", { type: "string", enum: ["buy", "sell"] }),
      ],
      events: [
        event("fee.charged", object({ fee: { ...ref("Money"), description: feeDescription } })),
        event("order.placed", object({ side: ref("Side"), price: ref("Money") })),
      ],
    });

  test("a run after a change equals a run from scratch, for every emitted file", async () => {
    const emitAll = async (given: ReturnType<typeof model>) => [
      await emitTypes(given),
      await emitValidators(given, emitZodModule),
      await emitRegistry(given),
    ];
    forgetEmitMemos();
    await emitAll(model("Before."));
    const warm = await emitAll(model("After."));
    forgetEmitMemos();
    const cold = await emitAll(model("After."));
    expect(warm).toEqual(cold);
    expect(warm[0]).toContain("After.");
    expect(warm[0]).not.toContain("Before.");
  });

  test("types.ts puts type aliases before interfaces, each in the model's order", async () => {
    const source = await emitTypes(model("Fee."));
    expect(source.match(/^export (?:type|interface) \w+/gm)).toEqual([
      "export type Side",
      "export interface Money",
      "export interface FeeCharged",
      "export interface OrderPlaced",
    ]);
  });

  test("each export of schemas.ts is its standalone schema, and each definition is written once", () => {
    const given = tradingModel();
    const source = emitJsonSchemas(given);
    const exported = evaluate(source);
    const all = [
      ...given.definitions.map((d) => ({ name: d.name, schema: d.schema })),
      ...given.events.map((e) => ({ name: e.typeName, schema: e.schema })),
    ];
    expect(Object.keys(exported).sort()).toEqual(all.map(({ name }) => jsonSchemaName(name)).sort());
    for (const { name, schema } of all) {
      // JSON text, so key order counts too: what a reader of JSON.stringify(schema) sees.
      expect(JSON.stringify(exported[jsonSchemaName(name)], null, 2)).toBe(
        JSON.stringify(standalone(given, name, schema), null, 2),
      );
    }
    // Money's body once in the table and once in MoneyJsonSchema itself; every other `$defs` points at the table.
    expect(source.match(/"Money": \{/g)).toHaveLength(1);
    expect(source).toContain('"Money": sharedDefinitions["Money"]');
  });
});

/** Runs an emitted module without imports (types stripped) and returns its exports. */
function evaluate(source: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: Record<string, unknown> = {};
  new Function("exports", "module", outputText)(exports, { exports });
  return exports;
}
