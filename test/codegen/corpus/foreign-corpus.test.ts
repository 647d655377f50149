/**
 * A corpus published for ajv (see support/foreign-corpus.ts: draft-07, `common/` definitions,
 * `orders/created.schema.json`-style names, relative `$id`s in ajv's base-less id space, the vendor
 * keyword `javaType`) must generate as published with a config of a few lines, and the generated zod
 * validators must agree with ajv 8.20.0 — given the very same files — on real payloads and their mutants.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import AjvModule from "../../../codegen/node_modules/ajv/dist/ajv.js";
import addFormatsModule from "../../../codegen/node_modules/ajv-formats/dist/index.js";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { MULTIPLE_OF_PRECISION } from "../../../codegen/src/emit/zod/emit-zod.js";
import { type GenerateResult, generate } from "../../../codegen/src/generate.js";
import { MULTIPLE_OF_PRECISION as EXAMPLE_PRECISION } from "../../../codegen/src/validate/ajv-options.js";
import { loadEmittedModule } from "../zod/support/load-emitted-module.js";
import { mutationArbitrary } from "../zod/support/mutate.js";
import { foreignCorpus, VENDOR_KEYWORD } from "./support/foreign-corpus.js";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** The config a user writes for this corpus. */
const CONFIG = {
  definitions: ["schemas/common/**"],
  eventType: { from: "path", pattern: "<folder>.<file-stem>" },
  idBase: "none",
  annotations: [VENDOR_KEYWORD],
};

const corpus = foreignCorpus();
const eventFiles = [...corpus.payloads.keys()];
let project: string;

beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), "postbus-corpus-foreign-"));
  for (const [file, schema] of corpus.schemas) {
    const target = path.join(project, "schemas", file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${JSON.stringify(schema, null, 2)}\n`);
  }
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** Generates the project with `config` as its postbus.config.json. */
async function generateWith(config: object, emit = false): Promise<GenerateResult> {
  await writeFile(path.join(project, "postbus.config.json"), JSON.stringify(config));
  const loaded = await loadConfig({ cwd: project });
  expect(loaded.diagnostics).toEqual([]);
  if (loaded.config === undefined) throw new Error("no config");
  return generate(loaded.config, emit ? { emit: emitTypesPackage } : {});
}

const countBy = (diagnostics: readonly { code: string }[]) =>
  diagnostics.reduce<Record<string, number>>((counts, { code }) => {
    counts[code] = (counts[code] ?? 0) + 1;
    return counts;
  }, {});

describe("a foreign corpus as published for ajv", () => {
  it("is the shape issue 17 describes: draft-07, common/, action-named files, relative $ids that do not mirror the folders", () => {
    expect(corpus.schemas.size).toBe(33);
    expect(eventFiles).toHaveLength(26);
    expect(eventFiles).toContain("orders/created.schema.json");
    expect(eventFiles).toContain("carts/created.schema.json");
    expect(corpus.schemas.get("orders/created.schema.json")).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "events/orders/created.schema.json",
      properties: { total: { $ref: "../../common/money.json" } },
    });
  });

  it("with only the definitions folder configured, fails as measured: unresolved refs, duplicate types, annotation notes", async () => {
    const result = await generateWith({ definitions: ["schemas/common/**"] });
    const counts = countBy(result.diagnostics);
    expect(result.model).toBeUndefined();
    expect(Object.keys(counts).sort()).toEqual([
      "POSTBUS_SCHEMA_DUPLICATE_EVENT",
      "POSTBUS_SCHEMA_UNRESOLVED_REF",
    ]);
    // carts/created, customers/updated: the file name is the type.
    expect(counts.POSTBUS_SCHEMA_DUPLICATE_EVENT).toBe(2);
    expect(counts.POSTBUS_SCHEMA_UNRESOLVED_REF).toBeGreaterThan(100);
    const unresolved = result.diagnostics.find((d) => d.code === "POSTBUS_SCHEMA_UNRESOLVED_REF");
    expect(unresolved?.hint).toContain('set "idBase": "none" in postbus.config.json');
    const duplicate = result.diagnostics.find((d) => d.code === "POSTBUS_SCHEMA_DUPLICATE_EVENT");
    expect(duplicate?.hint).toContain('"pattern": "<folder>.<file-stem>"');
    // The vendor keyword is an annotation: info notes, never an error.
    expect(countBy(result.notes)).toEqual({ POSTBUS_SCHEMA_IGNORED_KEYWORD: 28 });
    console.info(
      `foreign corpus, least config: ${JSON.stringify({ ...counts, notes: result.notes.length })}`,
    );
  });

  it("checks examples with the multipleOf tolerance of the generated validators, so amounts in cents pass (19.99 of 0.01)", () => {
    expect(EXAMPLE_PRECISION).toBe(MULTIPLE_OF_PRECISION);
  });

  it("with a config of four lines, every schema generates with no diagnostic and no note", async () => {
    const result = await generateWith(CONFIG);
    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toEqual([]);
    const events = result.model?.events ?? [];
    expect(events.map((event) => event.eventType)).toHaveLength(26);
    expect(events.map((event) => event.eventType)).toEqual(
      expect.arrayContaining(["orders.created", "carts.created", "carts.checked-out", "customers.updated"]),
    );
    expect(events.find((event) => event.eventType === "orders.created")).toMatchObject({
      domain: "orders",
      version: 1,
      typeName: "OrdersCreated",
    });
    expect(result.model?.definitions.map((definition) => definition.name)).toEqual(
      expect.arrayContaining(["Money", "Address", "Customer", "LineItem", "Currency"]),
    );
  });

  it("without the vendor keyword listed, generates with one info note per use; unknownKeywords: error refuses each", async () => {
    const { annotations: _, ...rest } = CONFIG;
    const lenient = await generateWith(rest);
    expect(lenient.diagnostics).toEqual([]);
    expect(lenient.model?.events).toHaveLength(26);
    expect(lenient.notes).toHaveLength(28);
    expect(lenient.notes[0]).toMatchObject({
      code: "POSTBUS_SCHEMA_IGNORED_KEYWORD",
      severity: "info",
      message: `"${VENDOR_KEYWORD}" is not a draft-07 keyword: ignored as an annotation`,
    });
    const strict = await generateWith({ ...rest, unknownKeywords: "error" });
    expect(countBy(strict.diagnostics)).toEqual({ POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD: 28 });
  });

  it("the generated zod agrees with ajv 8.20.0 over the published files on every payload and 40 mutants of each event", async () => {
    const result = await generateWith(CONFIG, true);
    expect(result.diagnostics).toEqual([]);
    const validators = loadEmittedModule(
      result.files.find((file) => file.path.endsWith("/validators.ts"))?.contents ?? "",
    );
    // ajv as its users run it: every published file added as is, ids resolved among themselves.
    const ajv = new Ajv({ strict: false, multipleOfPrecision: MULTIPLE_OF_PRECISION });
    addFormats(ajv);
    for (const schema of corpus.schemas.values()) ajv.addSchema(schema);

    const disagreements: string[] = [];
    const tally = { payloads: 0, mutants: 0, mutantsRejected: 0 };
    for (const file of eventFiles) {
      const event = result.model?.events.find((candidate) => candidate.source.file === `schemas/${file}`);
      const zod = validators[`${event?.typeName}Schema`];
      const id = corpus.schemas.get(file)?.$id as string;
      const byAjv = ajv.getSchema(id);
      if (zod === undefined || byAjv === undefined) throw new Error(`no validator for ${file}`);
      const valid = corpus.payloads.get(file) ?? [];
      const mutants = fc.sample(mutationArbitrary(fc.constantFrom(...valid)), { numRuns: 40, seed: 17 });
      for (const [kind, payloads] of [
        ["payload", valid],
        ["mutant", mutants],
      ] as const) {
        for (const payload of payloads) {
          const ajvSays = byAjv(payload) === true;
          const zodSays = zod.safeParse(payload).success;
          if (kind === "payload") {
            tally.payloads++;
            expect(ajvSays, `${file}: ${JSON.stringify(payload)}`).toBe(true);
          } else {
            tally.mutants++;
            if (!ajvSays) tally.mutantsRejected++;
          }
          if (ajvSays !== zodSays)
            disagreements.push(`${file} ${kind} ${JSON.stringify(payload)}: ajv ${ajvSays}, zod ${zodSays}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Both verdicts must occur among the mutants (about half are refused), or the agreement says little.
    expect(tally.mutantsRejected).toBeGreaterThan(tally.mutants / 3);
    expect(tally.mutantsRejected).toBeLessThan(tally.mutants);
    console.info(`foreign corpus: zod and ajv agree on ${JSON.stringify(tally)}`);
  }, 60_000);
});
