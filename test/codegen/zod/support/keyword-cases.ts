/**
 * Given/want tables for keyword classes: each case is a schema (an event file of a throwaway project,
 * with optional shared files), values it must accept and values it must reject. A case runs the whole
 * generator (`generate` with the types-package emitter) and the exported payload validator of
 * `validators.ts`, and holds ajv (2020-12 or draft-07, with ajv-formats) to the same verdicts, so a
 * table cannot drift from the reference.
 */
import { describe, expect, it } from "vitest";
import Ajv2020Module from "../../../../codegen/node_modules/ajv/dist/2020.js";
import Ajv7Module from "../../../../codegen/node_modules/ajv/dist/ajv.js";
import addFormatsModule from "../../../../codegen/node_modules/ajv-formats/dist/index.js";
import { emitTypesPackage } from "../../../../codegen/src/emit/index.js";
import { generateFiles, json } from "../../support/project.js";
import { loadEmittedModule } from "./load-emitted-module.js";

const DIALECTS = {
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
  "draft-07": "http://json-schema.org/draft-07/schema#",
} as const;

/** One row: a schema and the values it accepts and rejects. */
export interface KeywordCase {
  readonly name: string;
  /** The event's payload schema; `$schema` is added (2020-12 unless `dialect` says otherwise). */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly dialect?: keyof typeof DIALECTS;
  /** Shared definition files under `schemas/shared/` (file name → schema); ajv gets them by their `$id`. */
  readonly shared?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly valid: readonly unknown[];
  readonly invalid: readonly unknown[];
  /** Where ajv's verdict differs from the specification's (and Postbus follows the specification). */
  readonly ajvDiffers?: readonly unknown[];
  /** Why ajv cannot compile the schema at all (then only the generated validator is judged). */
  readonly ajvRefuses?: string;
}

type Verdict = (value: unknown) => boolean;

/** The generated validator of a case, through the whole generator. */
export async function generatedVerdict(testCase: KeywordCase): Promise<Verdict> {
  const dialect = testCase.dialect ?? "2020-12";
  const files: Record<string, string> = {
    "postbus.config.json": json({ definitions: ["schemas/shared/**"] }),
    "schemas/probe/probe.checked.json": json({ $schema: DIALECTS[dialect], ...testCase.schema }),
  };
  for (const [name, schema] of Object.entries(testCase.shared ?? {}))
    files[`schemas/shared/${name}`] = json({ $schema: DIALECTS[dialect], ...schema });
  const result = await generateFiles(files, emitTypesPackage);
  expect(result.diagnostics, "the schema generates").toEqual([]);
  const source = result.files.find((file) => file.path.endsWith("/src/validators.ts"))?.contents ?? "";
  const payload = loadEmittedModule(source).ProbeCheckedSchema;
  if (payload === undefined) throw new Error("no ProbeCheckedSchema exported");
  return (value) => payload.safeParse(value).success;
}

type AjvInstance = {
  addSchema(schema: unknown): void;
  compile(schema: unknown): (value: unknown) => boolean;
};

/** ajv's verdict on the case's schema as written (not Postbus's normalized form). */
export function ajvVerdict(testCase: KeywordCase): Verdict {
  const dialect = testCase.dialect ?? "2020-12";
  const Ajv = (dialect === "2020-12" ? Ajv2020Module.default : Ajv7Module.default) as unknown as new (
    options: object,
  ) => AjvInstance;
  const ajv = new Ajv({ strict: false, logger: false, ownProperties: true });
  addFormatsModule.default(ajv as never);
  for (const schema of Object.values(testCase.shared ?? {})) ajv.addSchema(schema);
  const validate = ajv.compile({ $schema: DIALECTS[dialect], ...testCase.schema });
  return (value) => validate(value) === true;
}

/** One `describe` per table, one `it` per case: the generated validator and ajv give the wanted verdicts. */
export function describeKeywordCases(title: string, cases: readonly KeywordCase[]): void {
  describe(title, () => {
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const generated = await generatedVerdict(testCase);
        const ajv = testCase.ajvRefuses === undefined ? ajvVerdict(testCase) : undefined;
        if (ajv === undefined) expect(() => ajvVerdict(testCase)).toThrow();
        const differs = new Set((testCase.ajvDiffers ?? []).map((value) => JSON.stringify(value)));
        for (const [values, want] of [
          [testCase.valid, true],
          [testCase.invalid, false],
        ] as const) {
          for (const value of values) {
            const shown = JSON.stringify(value);
            expect(generated(value), `generated validator on ${shown}`).toBe(want);
            if (ajv) expect(ajv(value), `ajv on ${shown}`).toBe(differs.has(shown) ? !want : want);
          }
        }
      });
    }
  });
}
