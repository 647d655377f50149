/**
 * Keyword classes the official JSON-Schema-Test-Suite showed refused, through the whole pipeline
 * (`generate` with the types-package emitter): given a schema and instances, the generated validator's
 * verdict is the wanted one, and ajv 8 with ajv-formats (the reference) gives the same.
 */
import { describe, expect, it } from "vitest";
import Ajv2020Module from "../../../codegen/node_modules/ajv/dist/2020.js";
import Ajv7Module from "../../../codegen/node_modules/ajv/dist/ajv.js";
import addFormatsModule from "../../../codegen/node_modules/ajv-formats/dist/index.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { generateFiles, json } from "../support/project.js";
import { loadEmittedModule } from "../zod/support/load-emitted-module.js";

const DIALECTS = {
  "2020-12": { uri: "https://json-schema.org/draft/2020-12/schema", Ajv: Ajv2020Module.default },
  "draft-07": { uri: "http://json-schema.org/draft-07/schema#", Ajv: Ajv7Module.default },
} as const;

interface Case {
  readonly name: string;
  readonly dialect: keyof typeof DIALECTS;
  readonly schema: Record<string, unknown>;
  /** Instance → wanted verdict. */
  readonly instances: readonly (readonly [unknown, boolean])[];
  /** Indexes of instances where ajv is known to answer otherwise than the specification, and why. */
  readonly ajvDeviates?: { readonly at: readonly number[]; readonly why: string };
}

const CASES: readonly Case[] = [
  {
    name: "minContains and maxContains bound the matching items",
    dialect: "2020-12",
    schema: { type: "array", contains: { const: 1 }, minContains: 2, maxContains: 3 },
    instances: [
      [[1], false],
      [[1, 1], true],
      [[1, 2, 1, 1], true],
      [[1, 1, 1, 1], false],
      [[2, 2], false],
    ],
  },
  {
    name: "minContains 0 makes contains always pass",
    dialect: "2020-12",
    schema: { type: "array", contains: { const: 1 }, minContains: 0 },
    instances: [
      [[], true],
      [[2], true],
    ],
  },
  {
    name: "content* are annotations in 2020-12: a non-JSON string passes",
    dialect: "2020-12",
    schema: {
      type: "string",
      contentMediaType: "application/json",
      contentEncoding: "base64",
      contentSchema: { type: "object", required: ["a"] },
    },
    instances: [
      ["not json at all", true],
      ["eyJhIjoxfQ==", true],
      [1, false],
    ],
  },
  {
    name: "hostname (ajv-formats full)",
    dialect: "draft-07",
    schema: { type: "string", format: "hostname" },
    instances: [
      ["www.example.com", true],
      ["-a.example.com", false],
      ["a".repeat(64), false],
    ],
  },
  {
    name: "json-pointer and relative-json-pointer",
    dialect: "2020-12",
    schema: {
      type: "object",
      properties: {
        p: { type: "string", format: "json-pointer" },
        r: { type: "string", format: "relative-json-pointer" },
      },
    },
    instances: [
      [{ p: "/a~1b/0", r: "1/a" }, true],
      [{ p: "a" }, false],
      [{ p: "/a~2" }, false],
      [{ r: "-1/a" }, false],
      [{ r: "0#" }, true],
    ],
  },
  {
    name: "duration and uri-template",
    dialect: "2020-12",
    schema: {
      type: "object",
      properties: {
        d: { type: "string", format: "duration" },
        t: { type: "string", format: "uri-template" },
      },
    },
    instances: [
      [{ d: "P1DT2H", t: "http://example.com/{id}" }, true],
      [{ d: "PT" }, false],
      [{ t: "http://example.com/{id" }, false],
    ],
  },
  {
    name: "a format no checker knows (idn-email) is an annotation",
    dialect: "draft-07",
    schema: { type: "string", format: "idn-email" },
    instances: [
      ["not an address", true],
      [2, false],
    ],
  },
  {
    name: "an unknown keyword is an annotation (draft-07)",
    dialect: "draft-07",
    schema: { type: "integer", javaType: "java.lang.Long", maximumValue: 3 },
    instances: [
      [10, true],
      [1.5, false],
    ],
  },
  {
    name: "draft-07 ignores keywords next to $ref",
    dialect: "draft-07",
    schema: {
      definitions: { reffed: { type: "array" } },
      properties: { foo: { $ref: "#/definitions/reffed", maxItems: 2 } },
    },
    instances: [
      [{ foo: [] }, true],
      [{ foo: [1, 2, 3] }, true],
      [{ foo: "string" }, false],
    ],
    ajvDeviates: { at: [1], why: "ajv 8 applies keywords next to $ref in draft-07 too" },
  },
  {
    name: "multipleOf with an overflowing quotient",
    dialect: "draft-07",
    schema: { type: "number", multipleOf: 0.5 },
    instances: [
      [1e308, true],
      [0.75, false],
    ],
    ajvDeviates: { at: [0], why: "ajv compares the overflowing quotient Infinity with parseInt(Infinity)" },
  },
];

function ajvVerdicts(testCase: Case): (value: unknown) => boolean {
  const dialect = DIALECTS[testCase.dialect];
  const ajv = new dialect.Ajv({ strict: false, logger: false });
  addFormatsModule.default(ajv);
  const validate = ajv.compile(testCase.schema);
  return (value) => validate(value) === true;
}

describe("generated validators per keyword class agree with the wanted verdicts and with ajv", () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const result = await generateFiles(
        {
          "schemas/probe/probe.checked.json": json({
            $schema: DIALECTS[testCase.dialect].uri,
            ...testCase.schema,
          }),
        },
        emitTypesPackage,
      );
      expect(result.diagnostics).toEqual([]);
      const source = result.files.find((file) => file.path.endsWith("/src/validators.ts"))?.contents ?? "";
      const validator = loadEmittedModule(source).ProbeCheckedSchema;
      if (validator === undefined) throw new Error("no ProbeCheckedSchema");
      const ajv = ajvVerdicts(testCase);
      const got = testCase.instances.map(([value]) => [value, validator.safeParse(value).success]);
      expect(got).toEqual(testCase.instances);
      const deviates = new Set(testCase.ajvDeviates?.at ?? []);
      const ajvWant = testCase.instances.map(([value, valid], index) => [
        value,
        deviates.has(index) ? !valid : valid,
      ]);
      expect(testCase.instances.map(([value]) => [value, ajv(value)])).toEqual(ajvWant);
    });
  }
});
