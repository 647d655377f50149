/**
 * A longer soak of the zod differential test: many more instances per corpus schema, with a seed you choose.
 * Prints disagreements (schema, instance, both verdicts) and the counts; exits 1 on any disagreement.
 *
 *   pnpm exec tsx bench/zod-differential.ts [instancesPerSchema=5000] [seed=1]
 */
import fc from "fast-check";
import { emitZodModule } from "../codegen/src/emit/zod/emit-zod.js";
import { ajvJudge } from "../test/codegen/zod/support/ajv-judge.js";
import { corpusModel, pascalCase, readCorpus } from "../test/codegen/zod/support/corpus.js";
import { loadEmittedModule } from "../test/codegen/zod/support/load-emitted-module.js";
import { mutationArbitrary } from "../test/codegen/zod/support/mutate.js";
import { schemaArbitrary } from "../test/codegen/zod/support/schema-arbitrary.js";

const perSchema = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? 1);
const totals = { schemas: 0, instances: 0, valid: 0, disagreements: 0, ajvThrew: 0 };
const started = performance.now();

for (const entry of readCorpus()) {
  const zodSchema = loadEmittedModule(emitZodModule(corpusModel(entry)))[`${pascalCase(entry.name)}Schema`];
  if (!zodSchema) throw new Error(`${entry.name}: no schema exported`);
  const ajv = ajvJudge(entry.schema, entry.defs);
  const steered = schemaArbitrary(entry.schema, entry.defs);
  const sources =
    entry.instances.length > 0 ? fc.oneof(steered, fc.constantFrom(...entry.instances)) : steered;
  const instances = [
    ...fc.sample(steered, { numRuns: Math.ceil(perSchema / 2), seed }),
    ...fc.sample(mutationArbitrary(sources), { numRuns: Math.floor(perSchema / 2), seed: seed + 1 }),
  ];
  for (const instance of instances) {
    const expected = ajv(instance);
    if (expected === undefined) {
      totals.ajvThrew++;
      continue;
    }
    const actual = zodSchema.safeParse(instance).success;
    if (expected) totals.valid++;
    if (expected !== actual) {
      totals.disagreements++;
      console.log(`${entry.name}: ${JSON.stringify(instance)} ajv ${expected}, zod ${actual}`);
    }
  }
  totals.schemas++;
  totals.instances += instances.length;
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${totals.schemas} schemas, ${totals.instances} instances (${totals.valid} valid, ${totals.ajvThrew} where ajv threw), ${totals.disagreements} disagreements, ${seconds}s`,
);
process.exitCode = totals.disagreements === 0 ? 0 : 1;
