/**
 * `format` in 2020-12 (the config's `format`) and custom metaschemas' `$vocabulary`, through the whole
 * pipeline (`generate` with the types-package emitter): given the schema files, a config and
 * instances, the generated validator's verdict is the wanted one, and ajv 8 with ajv-formats (the
 * reference; `validateFormats: false` where `format` only annotates) gives the same, except where
 * noted: ajv does not read `$vocabulary`.
 */
import { describe, expect, it } from "vitest";
import Ajv2020Module from "../../../codegen/node_modules/ajv/dist/2020.js";
import Ajv7Module from "../../../codegen/node_modules/ajv/dist/ajv.js";
import addFormatsModule from "../../../codegen/node_modules/ajv-formats/dist/index.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { generateFiles, json } from "../support/project.js";
import { loadEmittedModule } from "../zod/support/load-emitted-module.js";

const DIALECTS = {
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
  "draft-07": "http://json-schema.org/draft-07/schema#",
} as const;

const META = "https://example.com/meta";

/** A custom 2020-12 metaschema declaring `vocabularies`, as a definitions file. */
function metaschema(name: string, vocabularies: Record<string, boolean>): Record<string, unknown> {
  return {
    $schema: DIALECTS["2020-12"],
    $id: `${META}/${name}`,
    $vocabulary: vocabularies,
    $dynamicAnchor: "meta",
    allOf: Object.keys(vocabularies)
      .filter((uri) => uri.startsWith("https://json-schema.org/draft/2020-12/vocab/"))
      .map((uri) => ({ $ref: uri.replace("/vocab/", "/meta/") })),
  };
}

const vocab = (name: string) => `https://json-schema.org/draft/2020-12/vocab/${name}`;

interface Case {
  readonly name: string;
  /** The probe's `$schema`: a dialect or a metaschema's `$id`. */
  readonly $schema: string;
  readonly schema: Record<string, unknown>;
  /** The config's `format` (default: none, so `"assertion"`). */
  readonly format?: "assertion" | "annotation";
  /** Metaschemas written as definition files. */
  readonly metaschemas?: readonly Record<string, unknown>[];
  /** Instance → wanted verdict. */
  readonly instances: readonly (readonly [unknown, boolean])[];
  /** Indexes of instances where ajv answers otherwise than the specification, and why. */
  readonly ajvDeviates?: { readonly at: readonly number[]; readonly why: string };
  /** The info notes wanted, as `pointer: message` (default: none). */
  readonly notes?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: "format asserts in 2020-12 by default, as ajv",
    $schema: DIALECTS["2020-12"],
    schema: { type: "string", format: "email" },
    instances: [
      ["a@example.com", true],
      ["2962", false],
    ],
  },
  {
    name: 'format is an annotation in 2020-12 with "format": { "2020-12": "annotation" }',
    $schema: DIALECTS["2020-12"],
    format: "annotation",
    schema: { type: "object", properties: { at: { type: "string", format: "date-time", minLength: 2 } } },
    instances: [
      [{ at: "2024-01-02T03:04:05Z" }, true],
      [{ at: "yesterday" }, true],
      [{ at: "y" }, false],
      [{ at: 1 }, false],
    ],
    notes: [
      '/properties/at/format: "format" is an annotation in 2020-12 (the format-annotation vocabulary): not checked',
    ],
  },
  {
    name: "draft-07 asserts format whatever the 2020-12 setting",
    $schema: DIALECTS["draft-07"],
    format: "annotation",
    schema: { type: "string", format: "ipv4" },
    instances: [
      ["127.0.0.1", true],
      ["not-an-ipv4", false],
    ],
  },
  {
    name: "a metaschema with the format-assertion vocabulary asserts format even in annotation mode",
    $schema: `${META}/format-assertion`,
    format: "annotation",
    metaschemas: [
      metaschema("format-assertion", { [vocab("core")]: true, [vocab("format-assertion")]: false }),
    ],
    schema: { format: "ipv4" },
    instances: [
      ["127.0.0.1", true],
      ["not-an-ipv4", false],
    ],
    ajvDeviates: {
      at: [1],
      why: "ajv does not read $vocabulary: with validateFormats off it checks no format",
    },
  },
  {
    name: "a metaschema without the validation vocabulary: its keywords are annotations, applicators apply",
    $schema: `${META}/no-validation`,
    metaschemas: [metaschema("no-validation", { [vocab("core")]: true, [vocab("applicator")]: true })],
    schema: { properties: { bad: false, n: { minimum: 10, type: "integer" } } },
    instances: [
      [{ bad: 1 }, false],
      [{ n: 20 }, true],
      [{ n: 1 }, true],
      [{ n: "x" }, true],
    ],
    ajvDeviates: { at: [2, 3], why: "ajv does not read $vocabulary and applies minimum and type" },
    notes: [
      '/properties/n/minimum: "minimum" belongs to the validation vocabulary, which the metaschema schemas/meta/no-validation.json does not declare: not checked',
      '/properties/n/type: "type" belongs to the validation vocabulary, which the metaschema schemas/meta/no-validation.json does not declare: not checked',
    ],
  },
  {
    name: "an unknown optional vocabulary is ignored",
    $schema: `${META}/optional`,
    metaschemas: [
      metaschema("optional", {
        [vocab("core")]: true,
        [vocab("validation")]: true,
        "https://example.com/vocab/custom": false,
      }),
    ],
    schema: { type: "number" },
    instances: [
      [20, true],
      ["foobar", false],
    ],
  },
  {
    name: "a metaschema without the format vocabularies leaves format unchecked in assertion mode",
    $schema: `${META}/no-format`,
    metaschemas: [metaschema("no-format", { [vocab("core")]: true, [vocab("validation")]: true })],
    schema: { type: "string", format: "email" },
    instances: [
      ["not an address", true],
      [1, false],
    ],
    ajvDeviates: { at: [0], why: "ajv does not read $vocabulary and asserts format" },
    notes: [
      '/format: "format" belongs to the format-annotation vocabulary, which the metaschema schemas/meta/no-format.json does not declare: not checked',
    ],
  },
];

/** The format-assertion vocabulary's meta-schema, as published (ajv does not ship it). */
const FORMAT_ASSERTION_META = {
  $schema: DIALECTS["2020-12"],
  $id: "https://json-schema.org/draft/2020-12/meta/format-assertion",
  $vocabulary: { [vocab("format-assertion")]: true },
  $dynamicAnchor: "meta",
  type: ["object", "boolean"],
  properties: { format: { type: "string" } },
};

function ajvVerdicts(testCase: Case): (value: unknown) => boolean {
  const draft07 = testCase.$schema === DIALECTS["draft-07"];
  const Ajv = draft07 ? Ajv7Module.default : Ajv2020Module.default;
  const ajv = new Ajv({
    strict: false,
    logger: false,
    validateFormats: testCase.format !== "annotation" || draft07,
  });
  addFormatsModule.default(ajv);
  ajv.addMetaSchema(FORMAT_ASSERTION_META, undefined, false); // ajv ships no copy
  for (const meta of testCase.metaschemas ?? []) ajv.addMetaSchema(meta, undefined, false);
  const validate = ajv.compile({ $schema: testCase.$schema, ...testCase.schema });
  return (value) => validate(value) === true;
}

describe("format in 2020-12 and custom metaschemas' vocabularies", () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const files: Record<string, string> = {
        "postbus.config.json": json({
          definitions: ["schemas/meta/**"],
          ...(testCase.format === undefined ? {} : { format: { "2020-12": testCase.format } }),
        }),
        "schemas/probe/probe.checked.json": json({ $schema: testCase.$schema, ...testCase.schema }),
      };
      for (const meta of testCase.metaschemas ?? [])
        files[`schemas/meta/${String(meta.$id).split("/").at(-1)}.json`] = json(meta);
      const result = await generateFiles(files, emitTypesPackage);
      expect(result.diagnostics).toEqual([]);
      expect(
        result.notes
          .filter((note) => note.location.file === "schemas/probe/probe.checked.json")
          .map((note) => `${note.location.pointer}: ${note.message}`),
      ).toEqual(testCase.notes ?? []);
      const source = result.files.find((file) => file.path.endsWith("/src/validators.ts"))?.contents ?? "";
      const validator = loadEmittedModule(source).ProbeCheckedSchema;
      if (validator === undefined) throw new Error("no ProbeCheckedSchema");
      const got = testCase.instances.map(([value]) => [value, validator.safeParse(value).success]);
      expect(got).toEqual(testCase.instances);
      const ajv = ajvVerdicts(testCase);
      const deviates = new Set(testCase.ajvDeviates?.at ?? []);
      const ajvWant = testCase.instances.map(([value, valid], index) => [
        value,
        deviates.has(index) ? !valid : valid,
      ]);
      expect(testCase.instances.map(([value]) => [value, ajv(value)])).toEqual(ajvWant);
    });
  }

  it("refuses a metaschema's required vocabulary it does not implement, naming the file and the vocabulary", async () => {
    const custom = "https://example.com/vocab/custom";
    const result = await generateFiles({
      "postbus.config.json": json({ definitions: ["schemas/meta/**"] }),
      "schemas/meta/required.json": json(metaschema("required", { [vocab("core")]: true, [custom]: true })),
      "schemas/probe/probe.checked.json": json({ $schema: `${META}/required`, type: "string" }),
    });
    expect(result.diagnostics.map((d) => [d.code, d.location.file, d.location.pointer, d.message])).toEqual([
      [
        "POSTBUS_SCHEMA_BAD_DIALECT",
        "schemas/probe/probe.checked.json",
        "/$schema",
        `The metaschema "${META}/required" (schemas/meta/required.json) requires the vocabulary "${custom}", which Postbus does not implement`,
      ],
    ]);
  });

  it("still refuses a $schema that names neither a dialect nor a loaded metaschema", async () => {
    const result = await generateFiles({
      "schemas/probe/probe.checked.json": json({ $schema: `${META}/missing`, type: "string" }),
    });
    expect(result.diagnostics.map((d) => d.code)).toEqual(["POSTBUS_SCHEMA_BAD_DIALECT"]);
  });

  it('silences the format notes when "format" is listed in annotations', async () => {
    const result = await generateFiles({
      "postbus.config.json": json({ format: { "2020-12": "annotation" }, annotations: ["format"] }),
      "schemas/probe/probe.checked.json": json({ type: "string", format: "uuid" }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toEqual([]);
  });
});
