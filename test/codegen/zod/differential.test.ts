/**
 * Differential test: for every schema of the corpus, the emitted zod validator and ajv (2020-12 + formats)
 * must agree on every instance: hand-picked edges, schema-steered samples, mutations of them, random JSON.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { emitZodModule } from "../../../codegen/src/emit/zod/emit-zod.js";
import { ajvJudge } from "./support/ajv-judge.js";
import { corpusModel, pascalCase, readCorpus } from "./support/corpus.js";
import { loadEmittedModule } from "./support/load-emitted-module.js";
import { mutationArbitrary } from "./support/mutate.js";
import { schemaArbitrary } from "./support/schema-arbitrary.js";

const SAMPLES = 150;
const MUTATIONS = 150;
const RANDOM = 30;

/** Mutations start from generated values and, as often, from the hand-picked edge cases. */
const withHandPicked = (
  steered: fc.Arbitrary<unknown>,
  instances: readonly unknown[],
): fc.Arbitrary<unknown> =>
  instances.length === 0 ? steered : fc.oneof(steered, fc.constantFrom(...instances));

const seedOf = (name: string): number =>
  [...name].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) | 0, 7);

const corpus = readCorpus();
const totals = { schemas: 0, instances: 0, valid: 0, invalid: 0, ajvThrew: 0 };

describe("zod validators agree with ajv", () => {
  it("has a corpus of at least 40 schemas", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  for (const entry of corpus) {
    it(`accepts exactly what ajv accepts: ${entry.name}`, () => {
      const module = loadEmittedModule(emitZodModule(corpusModel(entry)));
      const zodSchema = module[`${pascalCase(entry.name)}Schema`];
      if (!zodSchema) throw new Error(`no ${pascalCase(entry.name)}Schema exported`);
      const ajv = ajvJudge(entry.schema, entry.defs);
      const steered = schemaArbitrary(entry.schema, entry.defs);
      const seed = seedOf(entry.name);
      const instances = [
        ...entry.instances,
        ...fc.sample(steered, { numRuns: SAMPLES, seed }),
        ...fc.sample(mutationArbitrary(withHandPicked(steered, entry.instances)), {
          numRuns: MUTATIONS,
          seed: seed + 1,
        }),
        ...fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: RANDOM, seed: seed + 2 }),
      ];
      const disagreements: string[] = [];
      let valid = 0;
      let ajvThrew = 0;
      for (const instance of instances) {
        const expected = ajv(instance);
        if (expected === undefined) {
          ajvThrew++;
          continue;
        }
        const actual = zodSchema.safeParse(instance).success;
        if (expected) valid++;
        if (expected !== actual) {
          disagreements.push(`instance ${JSON.stringify(instance)}: ajv ${expected}, zod ${actual}`);
        }
      }
      if (process.env.ZOD_DIFFERENTIAL_SPLIT)
        console.info(`${entry.name}: ${valid} valid / ${instances.length - valid - ajvThrew} invalid`);
      totals.schemas++;
      totals.instances += instances.length;
      totals.valid += valid;
      totals.invalid += instances.length - valid - ajvThrew;
      totals.ajvThrew += ajvThrew;
      expect(instances.length).toBeGreaterThanOrEqual(200);
      expect(
        disagreements,
        `schema ${JSON.stringify({ $defs: entry.defs, schema: entry.schema })}\n${disagreements.slice(0, 10).join("\n")}`,
      ).toEqual([]);
    });
  }

  afterAll(() => {
    console.info(
      `zod differential: ${totals.schemas} schemas, ${totals.instances} instances (${totals.valid} valid, ${totals.invalid} invalid per ajv, ${totals.ajvThrew} where ajv threw)`,
    );
  });
});
