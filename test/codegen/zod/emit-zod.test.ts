/**
 * Given/want tests of the zod emitter: the expression each keyword becomes, a whole small module
 * (file snapshot), determinism, dependency order, errors, and `tsc` over the emitted corpus including
 * what `z.infer` gives for typical schemas.
 */
import { describe, expect, it } from "vitest";
import {
  createZodEmitContext,
  emitZodModule,
  zodExpression,
} from "../../../codegen/src/emit/zod/emit-zod.js";
import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../../../codegen/src/ir/model.js";
import { corpusModel, readCorpus } from "./support/corpus.js";
import { loadEmittedModule } from "./support/load-emitted-module.js";
import { typecheck } from "./support/typecheck.js";

const INTEGER = 'z.number().refine(Number.isInteger, { message: "must be an integer" })';

const expression = (schema: unknown): { text: string; helpers: string[] } => {
  const context = createZodEmitContext();
  const text = zodExpression(schema as NormalizedSchema, context);
  return { text, helpers: [...context.helpers].sort() };
};

describe("zodExpression", () => {
  const table: { keyword: string; schema: unknown; want: string; helpers?: string[] }[] = [
    { keyword: "true schema", schema: true, want: "z.unknown()" },
    { keyword: "false schema", schema: false, want: "z.never()" },
    { keyword: "empty schema", schema: {}, want: "z.unknown()" },
    { keyword: "type string", schema: { type: "string" }, want: "z.string()" },
    {
      keyword: "type integer (whole numbers, not only safe ones)",
      schema: { type: "integer" },
      want: INTEGER,
    },
    {
      keyword: "type list with null",
      schema: { type: ["string", "null"] },
      want: "z.union([z.string(), z.null()])",
    },
    { keyword: "integer and number together", schema: { type: ["integer", "number"] }, want: "z.number()" },
    {
      keyword: "minLength/maxLength in code points",
      schema: { type: "string", minLength: 1, maxLength: 5 },
      want:
        'z.string().refine((value) => codePointLength(value) >= 1, { message: "must be at least 1 characters long" })' +
        '.refine((value) => codePointLength(value) <= 5, { message: "must be at most 5 characters long" })',
      helpers: ["codePointLength"],
    },
    {
      keyword: "pattern with the u flag",
      schema: { type: "string", pattern: "^\\p{Lu}" },
      want: 'z.string().regex(new RegExp("^\\\\p{Lu}", "u"))',
    },
    {
      keyword: "format (ajv-formats full mode)",
      schema: { type: "string", format: "date-time" },
      want: 'z.string().refine(isDateTimeFormat, { message: "must be a valid date-time" })',
      helpers: ["isDateTimeFormat"],
    },
    {
      keyword: "unknown format is ignored, like ajv",
      schema: { type: "string", format: "color" },
      want: "z.string()",
    },
    {
      keyword: "bounds",
      schema: { type: "number", minimum: 0, exclusiveMaximum: 10, exclusiveMinimum: -1, maximum: 9 },
      want: "z.number().gte(0).gt(-1).lte(9).lt(10)",
    },
    {
      keyword: "multipleOf with tolerance",
      schema: { type: "number", multipleOf: 0.01 },
      want: 'z.number().refine((value) => isMultipleOf(value, 0.01), { message: "must be a multiple of 0.01" })',
      helpers: ["isMultipleOf"],
    },
    { keyword: "string enum", schema: { enum: ["buy", "sell"] }, want: 'z.enum(["buy", "sell"])' },
    { keyword: "mixed enum with null", schema: { enum: ["a", 1, null] }, want: 'z.literal(["a", 1, null])' },
    { keyword: "const null", schema: { const: null }, want: "z.null()" },
    { keyword: "enum filtered by type", schema: { type: "string", enum: ["a", 1] }, want: 'z.enum(["a"])' },
    { keyword: "const outside the type", schema: { type: "string", const: 1 }, want: "z.never()" },
    {
      keyword: "enum of objects by deep equality",
      schema: { enum: [{ a: 1 }] },
      want: 'z.custom<{ a: 1 }>((value) => [{ a: 1 }].some((option) => jsonEqual(value, option)), {\n  message: "must be one of the enum values",\n})',
      helpers: ["jsonEqual"],
    },
    {
      keyword: "properties and required (additionalProperties absent: loose)",
      schema: {
        type: "object",
        properties: { a: { type: "string" }, "b-c": { type: "number" } },
        required: ["a"],
      },
      want: 'z.looseObject({\n  a: z.string(),\n  "b-c": z.number().optional(),\n})',
    },
    {
      keyword: "additionalProperties false",
      schema: { type: "object", properties: { a: { type: "boolean" } }, additionalProperties: false },
      want: "z.strictObject({\n  a: z.boolean().optional(),\n})",
    },
    {
      keyword: "additionalProperties schema",
      schema: { type: "object", additionalProperties: { type: "string" } },
      want: "z.looseObject({}).catchall(z.string())",
    },
    {
      keyword: "patternProperties with additionalProperties",
      schema: {
        type: "object",
        patternProperties: { "^x-": { type: "string" } },
        additionalProperties: false,
      },
      want: 'z.looseObject({}).superRefine(\n  patternProperties([[new RegExp("^x-", "u"), z.string()]], [], false),\n)',
      helpers: ["patternProperties"],
    },
    {
      keyword: "required key not among properties",
      schema: { type: "object", required: ["id"] },
      want: 'z.looseObject({}).refine(hasKeys(["id"]), { message: "missing a required property" })',
      helpers: ["hasKeys"],
    },
    {
      keyword: "items with bounds and uniqueItems",
      schema: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true },
      want: 'z.array(z.string()).min(1).max(3).refine(hasUniqueItems, { message: "must not contain duplicate items" })',
      helpers: ["hasUniqueItems"],
    },
    {
      keyword: "prefixItems (elements may be missing) and items false",
      schema: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
      want: "z.tuple([z.string().optional(), z.number().optional()])",
    },
    {
      keyword: "prefixItems with rest items",
      schema: { type: "array", prefixItems: [{ type: "string" }], items: { type: "boolean" } },
      want: "z.tuple([z.string().optional()], z.boolean())",
    },
    {
      keyword: "oneOf counts matches",
      schema: { oneOf: [{ type: "string" }, { type: "number" }] },
      want: "oneOf([z.string(), z.number()])",
      helpers: ["oneOf"],
    },
    {
      keyword: "anyOf is a union",
      schema: { anyOf: [{ type: "string" }, { type: "number" }] },
      want: "z.union([z.string(), z.number()])",
    },
    {
      keyword: "allOf judges each branch on its own",
      schema: {
        allOf: [{ $ref: "#/$defs/Base" }, { type: "object", properties: { n: { type: "integer" } } }],
      },
      want: `allOf([\n  BaseSchema,\n  z.looseObject({\n    n: ${INTEGER}.optional(),\n  }),\n])`,
      helpers: ["allOf"],
    },
    {
      keyword: "$ref with sibling keywords",
      schema: { $ref: "#/$defs/Name", type: "string", maxLength: 3 },
      want: 'allOf([\n  z.string().refine((value) => codePointLength(value) <= 3, { message: "must be at most 3 characters long" }),\n  NameSchema,\n])',
      helpers: ["allOf", "codePointLength"],
    },
    {
      keyword: "not",
      schema: { not: { type: "string" } },
      want: 'z.unknown().refine(notMatching(z.string()), { message: "must not match the not schema" })',
      helpers: ["notMatching"],
    },
    {
      keyword: "type-specific keywords without type apply to that type only",
      schema: { minimum: 1 },
      want: 'z.unknown().superRefine(whenJsonType("number", z.number().gte(1)))',
      helpers: ["whenJsonType"],
    },
    {
      keyword: "default is an annotation",
      schema: { type: "integer", default: 5 },
      want: INTEGER,
    },
  ];

  for (const { keyword, schema, want, helpers = [] } of table) {
    it(`emits ${keyword}`, () => {
      expect(expression(schema)).toEqual({ text: want, helpers: helpers.sort() });
    });
  }

  it("refers to a definition lazily when asked to (recursion)", () => {
    const context = createZodEmitContext({ lazy: new Set(["Tree"]) });
    expect(zodExpression({ type: "array", items: { $ref: "#/$defs/Tree" } }, context)).toBe(
      "z.array(z.lazy(() => TreeSchema))",
    );
  });

  it("rejects keywords it cannot model instead of accepting too much", () => {
    expect(() => expression({ type: "object", $dynamicRef: "#node" })).toThrow(/\$dynamicRef/);
  });

  it("rejects a $ref that is not normalized to #/$defs/<Name>", () => {
    expect(() => expression({ $ref: "money.json" })).toThrow(/normalized/);
  });
});

const definition = (name: string, schema: NormalizedSchema, description?: string): SchemaDefinition => ({
  kind: "definition",
  name,
  schema,
  description,
  source: { file: `schemas/${name}.json`, pointer: "", line: 1, column: 1 },
});

const orderModel = (): ContractModel => ({
  kind: "model",
  definitions: [
    definition(
      "Money",
      {
        type: "object",
        properties: {
          amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
          currency: { $ref: "#/$defs/Currency" },
        },
        required: ["amount", "currency"],
        additionalProperties: false,
        examples: [{ amount: "9.99", currency: "EUR" }],
      },
      "An amount of money.",
    ),
    definition("Currency", { type: "string", enum: ["EUR", "USD"], deprecated: true }),
  ],
  events: [
    {
      kind: "event",
      eventType: "order.placed",
      version: 1,
      channel: "order.placed",
      typeName: "OrderPlaced",
      domain: "orders",
      title: "Order placed",
      description: "A customer placed an order.",
      producers: ["checkout"],
      consumers: [],
      owners: [],
      deprecated: { reason: "Use order.placed v2." },
      examples: [{ orderId: "o-1", total: { amount: "9.99", currency: "EUR" } }],
      responseType: undefined,
      errorResponseType: undefined,
      compatibility: undefined,
      renamedFrom: [],
      schema: {
        type: "object",
        properties: { orderId: { type: "string", minLength: 1 }, total: { $ref: "#/$defs/Money" } },
        required: ["orderId", "total"],
      },
      source: { file: "schemas/orders/order.placed.json", pointer: "", line: 1, column: 1 },
    },
  ],
});

describe("emitZodModule", () => {
  it("emits a whole module: helpers, definitions in dependency order, TSDoc, events", async () => {
    await expect(emitZodModule(orderModel())).toMatchFileSnapshot(
      "__snapshots__/order-placed.zod.generated.ts",
    );
  });

  it("is deterministic: the same model gives byte-identical output", () => {
    expect(emitZodModule(orderModel())).toBe(emitZodModule(orderModel()));
  });

  it("declares a definition before the definitions that use it, whatever the model order", () => {
    const source = emitZodModule(orderModel());
    expect(source.indexOf("export const CurrencySchema")).toBeLessThan(
      source.indexOf("export const MoneySchema"),
    );
    const module = loadEmittedModule(source);
    expect(
      module.OrderPlacedSchema?.safeParse({ orderId: "o", total: { amount: "1.00", currency: "USD" } })
        .success,
    ).toBe(true);
  });

  it("annotates only the definitions on a reference cycle, and refers to them lazily within it", () => {
    const source = emitZodModule({
      kind: "model",
      events: [],
      definitions: [
        definition("Node", {
          type: "object",
          properties: { next: { $ref: "#/$defs/Node" }, label: { $ref: "#/$defs/Label" } },
        }),
        definition("Label", { type: "string" }),
      ],
    });
    expect(source).toContain("export const LabelSchema = z.string();");
    expect(source).toContain("export type NodeSchemaOutput = {");
    expect(source).toContain("export const NodeSchema: z.ZodType<NodeSchemaOutput> = z.looseObject({");
    expect(source).toContain("next: z.lazy(() => NodeSchema).optional(),");
    expect(source).toContain("label: LabelSchema.optional(),");
  });

  it("refuses a model where a definition and an event payload would export the same name", () => {
    const model = orderModel();
    const clash = {
      ...model,
      definitions: [...model.definitions, definition("OrderPlaced", { type: "string" })],
    };
    expect(() => emitZodModule(clash)).toThrow(/OrderPlacedSchema/);
  });

  it("compares objects with a valueOf key in enum and uniqueItems (where ajv's deep equality throws)", () => {
    const module = loadEmittedModule(
      emitZodModule({
        kind: "model",
        events: [],
        definitions: [
          definition("Fixed", { enum: [{ valueOf: 1 }] }),
          definition("Distinct", { type: "array", uniqueItems: true }),
        ],
      }),
    );
    expect(module.FixedSchema?.safeParse({ valueOf: 1 }).success).toBe(true);
    expect(module.FixedSchema?.safeParse({ valueOf: 2 }).success).toBe(false);
    expect(module.DistinctSchema?.safeParse([{ valueOf: true }, { valueOf: true }]).success).toBe(false);
    expect(module.DistinctSchema?.safeParse([{ valueOf: true }, { valueOf: false }]).success).toBe(true);
  });

  it("imports zod and nothing else", () => {
    const imports = emitZodModule(corpusModel(readCorpus()[0] as never)).match(/^import .*$/gm);
    expect(imports).toEqual(['import { z } from "zod";']);
  });
});

const TYPE_TESTS = `import type { z } from "zod";
import type { AllOfClosedBranchSchema } from "./all-of-closed-branch.js";
import type { EventLikeOrderSchema, MoneySchema, OrderSideSchema } from "./event-like-order.js";
import type { OneOfOverlappingSchema } from "./one-of-overlapping.js";
import type { TreeSchema } from "./recursive-tree.js";
import type { RequiredAndOptionalSchema } from "./required-and-optional.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Tree = { value: number; children?: Tree[] | undefined };

export type Checks = [
  Expect<Equal<z.infer<typeof OrderSideSchema>, "buy" | "sell">>,
  Expect<Equal<z.infer<typeof MoneySchema>, { amount: number; currency: string }>>,
  Expect<
    Equal<
      z.infer<typeof EventLikeOrderSchema>,
      {
        orderId: string;
        side: "buy" | "sell";
        price: { amount: number; currency: string };
        placedAt: string;
        tags?: string[] | undefined;
        note?: string | null | undefined;
      }
    >
  >,
  Expect<Equal<z.infer<typeof OneOfOverlappingSchema>, number>>,
  Expect<Equal<z.infer<typeof TreeSchema>, Tree>>,
  Expect<
    Equal<z.infer<typeof RequiredAndOptionalSchema>, { [key: string]: unknown; a: string; b?: number | undefined; c: unknown }>
  >,
  Expect<Equal<z.infer<typeof AllOfClosedBranchSchema>, { a?: string | undefined } & { [key: string]: unknown; b?: number | undefined }>>,
];
`;

/** Beyond the repository's options: what a strict consumer of the types package might turn on. */
const CONSUMER_OPTIONS = {
  exactOptionalPropertyTypes: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitReturns: true,
};

describe("emitted code under tsc --strict", () => {
  it("compiles every corpus module, even for a stricter consumer, and z.infer gives the expected types", () => {
    const files: Record<string, string> = Object.fromEntries(
      readCorpus().map((entry) => [`${entry.name}.ts`, emitZodModule(corpusModel(entry))]),
    );
    files["orders.ts"] = emitZodModule(orderModel());
    files["type-tests.ts"] = TYPE_TESTS;
    expect(typecheck(files, CONSUMER_OPTIONS)).toEqual([]);
  }, 60_000);
});
