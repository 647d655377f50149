import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeCorpus } from "../../../bench/lib/schema-corpus.js";
import { emitValidators } from "../../../codegen/src/emit/emit-validators.js";
import { forgetEmitMemos } from "../../../codegen/src/emit/memo.js";
import { printWithoutFormatter } from "../../../codegen/src/emit/printed-member.js";
import { printedStatement } from "../../../codegen/src/emit/printed-statement.js";
import { emitZodModule } from "../../../codegen/src/emit/zod/emit-zod.js";
import type { ContractModel } from "../../../codegen/src/ir/model.js";
import { modelAt } from "../support/project.js";
import { corpusModel, readCorpus } from "../zod/support/corpus.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SPECS = path.join(REPO, "node_modules/@asyncapi/specs");

/** validators.ts with statements written as they are where possible, and with Prettier for all. */
async function bothWays(model: ContractModel): Promise<{ direct: string; prettier: string }> {
  forgetEmitMemos();
  const direct = await emitValidators(model, emitZodModule);
  forgetEmitMemos();
  const previous = printWithoutFormatter(false);
  try {
    return { direct, prettier: await emitValidators(model, emitZodModule) };
  } finally {
    printWithoutFormatter(previous);
    forgetEmitMemos();
  }
}

/** The share of a module's statements that are used as written. */
function printedShare(module: string): number {
  const statements = module
    .split("\n\n")
    .filter((chunk) => /^(?:\/\*\*[\s\S]*?\*\/\n)?export const /.test(chunk));
  return statements.filter((chunk) => printedStatement(chunk) !== undefined).length / statements.length;
}

describe("validators written without Prettier are what Prettier prints", () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "postbus-printed-"));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test("the 300-schema bench corpus (most of it written as is) and this repository's contracts", async () => {
    const corpus = path.join(scratch, "bench");
    await mkdir(corpus);
    await writeCorpus(corpus);
    const bench = await bothWays(await modelAt(corpus));
    expect(bench.direct).toBe(bench.prettier);
    expect(printedShare(bench.direct)).toBeGreaterThan(0.5);
    const repo = await bothWays(await modelAt(REPO));
    expect(repo.direct).toBe(repo.prettier);
  });

  test("the zod differential corpus, one model per entry", async () => {
    for (const entry of readCorpus()) {
      const { direct, prettier } = await bothWays(corpusModel(entry));
      expect(direct, entry.name).toBe(prettier);
    }
  });

  test("the @asyncapi/specs draft-07 definitions (every 2.x and 3.x version, bindings, extensions), as published", async () => {
    const project = path.join(scratch, "asyncapi");
    const versions = (await readdir(path.join(SPECS, "definitions"))).filter((version) =>
      /^[23]\.\d+\.\d+$/.test(version),
    );
    expect(versions.length).toBeGreaterThan(5);
    for (const version of versions)
      await cp(path.join(SPECS, "definitions", version), path.join(project, "schemas/definitions", version), {
        recursive: true,
      });
    for (const shared of ["bindings", "extensions", "common"])
      await cp(path.join(SPECS, shared), path.join(project, "schemas", shared), { recursive: true });
    await writeFile(
      path.join(project, "postbus.config.json"),
      JSON.stringify({ schemas: "schemas", definitions: ["schemas/**"] }),
    );
    const { direct, prettier } = await bothWays(await modelAt(project));
    expect(direct).toBe(prettier);
  }, 120_000);

  test("what is accepted as printed, and what is left to Prettier", () => {
    const object =
      "export const ASchema = z.looseObject({\n  a: z.string().min(1),\n  b: BSchema.optional(),\n});";
    expect(printedStatement(object)).toBe(`${object}\n`);
    expect(printedStatement(`/**\n * Doc.\n */\nexport const ASchema = z.enum(["a", "b"]);`)).toBeDefined();
    expect(printedStatement("export const ASchema = z.lazy(() => BSchema);")).toBeDefined();
    // Three calls, one with an arrow function: Prettier puts each call on a line of its own.
    const chain =
      'export const ASchema = z.looseObject({\n  note: z.string().refine((value) => size(value) <= 2, { message: "long" }).optional(),\n});';
    expect(printedStatement(chain)).toBe(
      'export const ASchema = z.looseObject({\n  note: z\n    .string()\n    .refine((value) => size(value) <= 2, { message: "long" })\n    .optional(),\n});\n',
    );
    for (const rejected of [
      "export const ASchema = z.number().refine((value) => value > 1 && value < 5);", // other operators
      "export const ASchema = z.number().refine((value) => { return value > 1; });", // a block body
      "export const ASchema = z.number().max(1e+308);", // Prettier writes 1e308
      'export const ASchema = z.literal("say \\"hi\\"");', // Prettier would use single quotes
      'export const ASchema = z.enum(["a","b"]);', // no space after the comma
      `export const ASchema = z.enum([${'"x", '.repeat(30)}"y"]);`, // too long
      'export const ASchema = z.looseObject({\n  "a": z.string(),\n});', // a key Prettier unquotes
      "export const ASchema = z.looseObject({\n  a: z.string(),\n}).strict();", // a chain after the object
      'import { z } from "zod";',
    ]) {
      expect(printedStatement(rejected), rejected).toBeUndefined();
    }
  });
});
