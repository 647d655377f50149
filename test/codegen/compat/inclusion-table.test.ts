/**
 * The compatibility rules as a given/want table: an old and a new contract, a mode, and
 * the verdict. Every breaking case also proves its counterexample independently with ajv:
 * valid under the contract that wrote it, invalid under the one that reads it.
 */
import { describe, expect, it } from "vitest";
import { checkCompatibility, type Finding } from "../../../codegen/src/compat/check-compatibility.js";
import type { ContractSide } from "../../../codegen/src/compat/contract-side.js";
import type { CompatibilityMode } from "../../../codegen/src/ir/compatibility-modes.js";
import { ajvJudge } from "../zod/support/ajv-judge.js";
import { eventFile, sideOf } from "./support/sides.js";

type Schema = Record<string, unknown>;
type Want = "compatible" | "breaking" | "unproven";

interface Case {
  readonly old: Schema;
  readonly new: Schema;
  readonly mode?: CompatibilityMode;
  readonly want: Want;
  /** The rule of the (first) finding, for breaking and unproven cases. */
  readonly rule?: string;
  /** Shared definitions on each side (`schemas/shared/defs.json` `$defs`). */
  readonly defs?: { readonly old: Schema; readonly new: Schema };
}

const object = (properties: Schema, extra: Schema = {}): Schema => ({
  type: "object",
  properties,
  additionalProperties: false,
  ...extra,
});
const open = (properties: Schema, extra: Schema = {}): Schema => ({ type: "object", properties, ...extra });
/** `{ type: "string", if, then }`, built without a `then` property in source (it would read as a thenable). */
const conditional = (condition: Schema, consequence: Schema): Schema =>
  Object.fromEntries([
    ["type", "string"],
    ["if", condition],
    ["the" + "n", consequence],
  ]);
const field = (schema: Schema, extra: Schema = {}) =>
  object({ value: schema }, { required: ["value"], ...extra });

const CASES: Record<string, Case> = {
  // objects: required, properties, additionalProperties
  "adding a required property": {
    old: object({ a: { type: "string" } }),
    new: object({ a: { type: "string" }, b: { type: "string" } }, { required: ["b"] }),
    want: "breaking",
    rule: "required-added",
  },
  "making a required property optional": {
    old: object({ a: { type: "string" } }, { required: ["a"] }),
    new: object({ a: { type: "string" } }),
    want: "compatible",
  },
  "adding an optional property to a closed object": {
    old: object({ a: { type: "string" } }),
    new: object({ a: { type: "string" }, b: { type: "string" } }),
    want: "compatible",
  },
  "adding an optional property to an open object": {
    old: open({ a: { type: "string" } }),
    new: open({ a: { type: "string" }, b: { type: "string" } }),
    want: "breaking",
    rule: "property-added-open",
  },
  "adding an unconstrained property to an open object": {
    old: open({ a: { type: "string" } }),
    new: open({ a: { type: "string" }, b: {} }),
    want: "compatible",
  },
  "removing a property of a closed object": {
    old: object({ a: { type: "string" }, b: { type: "integer" } }),
    new: object({ a: { type: "string" } }),
    want: "breaking",
    rule: "property-removed-closed",
  },
  "removing a property of an open object": {
    old: open({ a: { type: "string" }, b: { type: "integer" } }),
    new: open({ a: { type: "string" } }),
    want: "compatible",
  },
  "turning additionalProperties off": {
    old: open({ a: { type: "string" } }),
    new: object({ a: { type: "string" } }),
    want: "breaking",
    rule: "additional-properties-closed",
  },
  "turning additionalProperties on": {
    old: object({ a: { type: "string" } }),
    new: open({ a: { type: "string" } }),
    want: "compatible",
  },
  "narrowing the additionalProperties schema": {
    old: open({}, { additionalProperties: { type: ["string", "number"] } }),
    new: open({}, { additionalProperties: { type: "string" } }),
    want: "breaking",
    rule: "type-narrowed",
  },
  "raising minProperties": {
    old: open({ a: { type: "string" } }),
    new: open({ a: { type: "string" } }, { minProperties: 1 }),
    want: "unproven",
    rule: "bound-tightened",
  },
  // type
  "widening integer to number": {
    old: field({ type: "integer" }),
    new: field({ type: "number" }),
    want: "compatible",
  },
  "narrowing number to integer": {
    old: field({ type: "number" }),
    new: field({ type: "integer" }),
    want: "breaking",
    rule: "integer-required",
  },
  "allowing null": {
    old: field({ type: "string" }),
    new: field({ type: ["string", "null"] }),
    want: "compatible",
  },
  "no longer allowing null": {
    old: field({ type: ["string", "null"] }),
    new: field({ type: "string" }),
    want: "breaking",
    rule: "type-narrowed",
  },
  "changing string to number": {
    old: field({ type: "string" }),
    new: field({ type: "number" }),
    want: "breaking",
    rule: "type-narrowed",
  },
  // enum and const
  "adding an enum value": {
    old: field({ enum: ["a", "b"] }),
    new: field({ enum: ["a", "b", "c"] }),
    want: "compatible",
  },
  "removing an enum value": {
    old: field({ enum: ["a", "b"] }),
    new: field({ enum: ["a"] }),
    want: "breaking",
    rule: "enum-narrowed",
  },
  "changing a const": {
    old: field({ const: "v1" }),
    new: field({ const: "v2" }),
    want: "breaking",
    rule: "const-changed",
  },
  "adding an enum to a plain string": {
    old: field({ type: "string" }),
    new: field({ type: "string", enum: ["a"] }),
    want: "breaking",
    rule: "enum-narrowed",
  },
  "dropping an enum": {
    old: field({ type: "string", enum: ["a"] }),
    new: field({ type: "string" }),
    want: "compatible",
  },
  "enum values that a new maxLength rejects": {
    old: field({ type: "string", enum: ["a", "bb"] }),
    new: field({ type: "string", maxLength: 1 }),
    want: "breaking",
    rule: "value-rejected",
  },
  "enum values that all fit a new maxLength": {
    old: field({ type: "string", enum: ["a", "b"] }),
    new: field({ type: "string", maxLength: 1 }),
    want: "compatible",
  },
  // numbers
  "raising minimum": {
    old: field({ type: "integer", minimum: 0 }),
    new: field({ type: "integer", minimum: 10 }),
    want: "breaking",
    rule: "bound-tightened",
  },
  "lowering minimum": {
    old: field({ type: "integer", minimum: 10 }),
    new: field({ type: "integer", minimum: 0 }),
    want: "compatible",
  },
  "lowering maximum": {
    old: field({ type: "number", maximum: 100 }),
    new: field({ type: "number", maximum: 50 }),
    want: "breaking",
    rule: "bound-tightened",
  },
  "adding exclusiveMinimum": {
    old: field({ type: "number" }),
    new: field({ type: "number", exclusiveMinimum: 0 }),
    want: "breaking",
    rule: "bound-tightened",
  },
  "multipleOf 1 to 0.5 (wider)": {
    old: field({ type: "number", multipleOf: 1 }),
    new: field({ type: "number", multipleOf: 0.5 }),
    want: "compatible",
  },
  "multipleOf 0.5 to 1 (narrower)": {
    old: field({ type: "number", multipleOf: 0.5 }),
    new: field({ type: "number", multipleOf: 1 }),
    want: "breaking",
    rule: "multiple-of-changed",
  },
  // strings
  "raising minLength": {
    old: field({ type: "string" }),
    new: field({ type: "string", minLength: 3 }),
    want: "breaking",
    rule: "bound-tightened",
  },
  "raising maxLength": {
    old: field({ type: "string", maxLength: 3 }),
    new: field({ type: "string", maxLength: 10 }),
    want: "compatible",
  },
  "adding a pattern": {
    old: field({ type: "string" }),
    new: field({ type: "string", pattern: "^[A-Z]+$" }),
    want: "breaking",
    rule: "pattern-changed",
  },
  "changing a pattern where no counterexample is found": {
    old: field({ type: "string", pattern: "^a+$" }),
    new: field({ type: "string", pattern: "^a{1,3}$" }),
    want: "unproven",
    rule: "pattern-changed",
  },
  "removing a pattern": {
    old: field({ type: "string", pattern: "^[A-Z]+$" }),
    new: field({ type: "string" }),
    want: "compatible",
  },
  "adding a format": {
    old: field({ type: "string" }),
    new: field({ type: "string", format: "uuid" }),
    want: "breaking",
    rule: "format-changed",
  },
  "removing a format": {
    old: field({ type: "string", format: "uuid" }),
    new: field({ type: "string" }),
    want: "compatible",
  },
  // arrays
  "narrowing items": {
    old: field({ type: "array", items: { type: ["string", "integer"] } }),
    new: field({ type: "array", items: { type: "string" } }),
    want: "breaking",
    rule: "type-narrowed",
  },
  "raising minItems": {
    old: field({ type: "array", items: { type: "string" } }),
    new: field({ type: "array", items: { type: "string" }, minItems: 1 }),
    want: "breaking",
    rule: "bound-tightened",
  },
  "raising maxItems": {
    old: field({ type: "array", maxItems: 2 }),
    new: field({ type: "array", maxItems: 5 }),
    want: "compatible",
  },
  "adding uniqueItems": {
    old: field({ type: "array", items: { type: "string" } }),
    new: field({ type: "array", items: { type: "string" }, uniqueItems: true }),
    want: "breaking",
    rule: "unique-items-added",
  },
  "narrowing a prefixItems entry": {
    old: field({ type: "array", prefixItems: [{ type: "string" }, { type: "number" }] }),
    new: field({ type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] }),
    want: "breaking",
    rule: "integer-required",
  },
  // combinators
  "adding an anyOf branch": {
    old: field({ anyOf: [{ type: "string" }] }),
    new: field({ anyOf: [{ type: "string" }, { type: "integer" }] }),
    want: "compatible",
  },
  "removing an anyOf branch": {
    old: field({ anyOf: [{ type: "string" }, { type: "integer" }] }),
    new: field({ anyOf: [{ type: "string" }] }),
    want: "breaking",
    rule: "branch-removed",
  },
  "adding an overlapping oneOf branch": {
    old: field({ oneOf: [{ type: "string" }, { type: "integer" }] }),
    new: field({ oneOf: [{ type: "string" }, { type: "integer" }, { type: "string", maxLength: 3 }] }),
    want: "breaking",
    rule: "branches-may-overlap",
  },
  "adding a discriminated oneOf branch": {
    old: field({ oneOf: [object({ kind: { const: "a" }, x: { type: "string" } }, { required: ["kind"] })] }),
    new: field({
      oneOf: [
        object({ kind: { const: "a" }, x: { type: "string" } }, { required: ["kind"] }),
        object({ kind: { const: "b" } }, { required: ["kind"] }),
      ],
    }),
    want: "compatible",
  },
  "adding an allOf conjunct": {
    old: open({ a: { type: "string" } }),
    new: open({ a: { type: "string" } }, { allOf: [{ required: ["a"] }] }),
    want: "breaking",
    rule: "required-added",
  },
  // $ref and definitions
  "narrowing a shared definition": {
    old: field({ $ref: "../shared/defs.json#/$defs/Ticker" }),
    new: field({ $ref: "../shared/defs.json#/$defs/Ticker" }),
    defs: {
      old: { Ticker: { type: "string", maxLength: 20 } },
      new: { Ticker: { type: "string", maxLength: 5 } },
    },
    want: "breaking",
    rule: "bound-tightened",
  },
  "pointing a $ref at an equal definition": {
    old: field({ $ref: "../shared/defs.json#/$defs/Ticker" }),
    new: field({ $ref: "../shared/defs.json#/$defs/Symbol" }),
    defs: {
      old: { Ticker: { type: "string" } },
      new: { Symbol: { type: "string", description: "renamed" } },
    },
    want: "compatible",
  },
  "a recursive definition, unchanged but redescribed": {
    old: field({ $ref: "../shared/defs.json#/$defs/Node" }),
    new: field({ $ref: "../shared/defs.json#/$defs/Node" }),
    defs: {
      old: { Node: open({ children: { type: "array", items: { $ref: "#/$defs/Node" } } }) },
      new: {
        Node: open(
          { children: { type: "array", items: { $ref: "#/$defs/Node" } } },
          { description: "A tree" },
        ),
      },
    },
    want: "compatible",
  },
  "a recursive definition, narrowed below the root": {
    old: field({ $ref: "../shared/defs.json#/$defs/Node" }),
    new: field({ $ref: "../shared/defs.json#/$defs/Node" }),
    defs: {
      old: {
        Node: object({
          name: { type: "string" },
          children: { type: "array", items: { $ref: "#/$defs/Node" } },
        }),
      },
      new: {
        Node: object({
          name: { type: "string", maxLength: 2 },
          children: { type: "array", items: { $ref: "#/$defs/Node" } },
        }),
      },
    },
    want: "breaking",
    rule: "bound-tightened",
  },
  // keywords no rule decides
  "adding not": {
    old: field({ type: "string" }),
    new: field({ type: "string", not: { const: "x" } }),
    want: "unproven",
    rule: "keyword-changed",
  },
  "changing if/then": {
    old: field(conditional({ minLength: 2 }, { maxLength: 9 })),
    new: field(conditional({ minLength: 2 }, { maxLength: 50 })),
    want: "unproven",
    rule: "keyword-changed",
  },
  "changing only descriptions and examples": {
    old: field({ type: "string", description: "old" }),
    new: field({ type: "string", description: "new", examples: ["x"] }),
    want: "compatible",
  },
  // modes
  "FORWARD: adding an optional property to a closed object": {
    mode: "FORWARD",
    old: object({ a: { type: "string" } }),
    new: object({ a: { type: "string" }, b: { type: "string" } }),
    want: "breaking",
    rule: "property-removed-closed",
  },
  "FORWARD: adding a required property to an open object": {
    mode: "FORWARD",
    old: open({ a: { type: "string" } }),
    new: open({ a: { type: "string" }, b: {} }, { required: ["b"] }),
    want: "compatible",
  },
  "FORWARD: removing an enum value": {
    mode: "FORWARD",
    old: field({ enum: ["a", "b"] }),
    new: field({ enum: ["a"] }),
    want: "compatible",
  },
  "FULL: adding an enum value": {
    mode: "FULL",
    old: field({ enum: ["a"] }),
    new: field({ enum: ["a", "b"] }),
    want: "breaking",
    rule: "enum-narrowed",
  },
  "FULL: changing only a description": {
    mode: "FULL",
    old: field({ type: "string" }),
    new: field({ type: "string", description: "d" }),
    want: "compatible",
  },
  "NONE: anything goes": {
    mode: "NONE",
    old: field({ type: "string" }),
    new: field({ type: "number" }),
    want: "compatible",
  },
};

async function sides(c: Case): Promise<{ old: ContractSide; current: ContractSide }> {
  const files = (schema: Schema, defs: Schema | undefined) => ({
    "schemas/test/test.event.json": eventFile(
      "test.event",
      1,
      schema,
      c.mode === undefined ? {} : { compatibility: c.mode },
    ),
    ...(defs === undefined
      ? {}
      : {
          "schemas/shared/defs.json": {
            $schema: "https://json-schema.org/draft/2020-12/schema",
            $defs: defs,
          },
        }),
  });
  return {
    old: await sideOf("HEAD", files(c.old, c.defs?.old)),
    current: await sideOf("the working tree", files(c.new, c.defs?.new)),
  };
}

/** ajv on a side's event schema, every definition of the side included. */
function judgeOf(side: ContractSide): (payload: unknown) => boolean | undefined {
  const event = side.model.events[0];
  if (event === undefined) throw new Error("no event");
  const defs = Object.fromEntries(
    side.model.definitions.map((definition) => [definition.name, definition.schema]),
  );
  return ajvJudge(event.schema, defs);
}

function verdict(findings: readonly Finding[]): Want {
  if (findings.some((finding) => finding.severity === "breaking")) return "breaking";
  return findings.length > 0 ? "unproven" : "compatible";
}

describe("compatibility rules (given old and new, want a verdict)", () => {
  it("has at least 40 cases over every mode and keyword class", () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(40);
    const modes = new Set(Object.values(CASES).map((c) => c.mode ?? "BACKWARD"));
    expect([...modes].sort()).toEqual(["BACKWARD", "FORWARD", "FULL", "NONE"]);
  });

  it.each(Object.entries(CASES))("%s", async (_name, c) => {
    const { old, current } = await sides(c);
    const report = checkCompatibility({ old, current, defaultMode: "BACKWARD" });
    const got = verdict(report.findings);
    expect({ verdict: got, rules: report.findings.map((finding) => finding.rule) }).toMatchObject({
      verdict: c.want,
    });
    if (c.rule !== undefined) {
      const wanted = report.findings.filter(
        (finding) => finding.severity === (c.want === "breaking" ? "breaking" : "unproven"),
      );
      expect(wanted.map((finding) => finding.rule)).toContain(c.rule);
    }
    const validOld = judgeOf(old);
    const validNew = judgeOf(current);
    for (const finding of report.findings) {
      if (finding.severity !== "breaking") {
        expect(finding.counterexample).toBeUndefined();
        continue;
      }
      const [writer, reader] = finding.direction === "backward" ? [validOld, validNew] : [validNew, validOld];
      expect(
        writer(finding.counterexample),
        `counterexample ${JSON.stringify(finding.counterexample)} valid where written`,
      ).toBe(true);
      expect(
        reader(finding.counterexample),
        `counterexample ${JSON.stringify(finding.counterexample)} rejected where read`,
      ).toBe(false);
      expect(finding.new?.file ?? finding.old?.file).toMatch(/^schemas\//);
      expect(finding.hint).not.toBe("");
    }
  });
});
