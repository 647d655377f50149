import { describe, expect, it, test } from "vitest";
import { escapeMarkdownCell } from "../../codegen/src/emit/catalog/escape.js";
import {
  emitCatalog,
  type FieldRow,
  fieldRows,
  markdownCellHtml,
  markdownHtml,
} from "../../codegen/src/emit/catalog/index.js";
import type { NormalizedSchema } from "../../codegen/src/ir/model.js";
import { contractModel, definition, event, ref, resolvedConfig } from "../codegen/emit/support/model.js";

const text = (value: string) => ({ kind: "text", text: value }) as const;
const link = (name: string) => ({ kind: "ref", name }) as const;
const row = (path: string, overrides: Partial<FieldRow>): FieldRow => ({
  path,
  type: [text("string")],
  required: false,
  constraints: [],
  description: undefined,
  deprecated: false,
  ...overrides,
});

describe("fieldRows", () => {
  test.each<{ name: string; given: NormalizedSchema; want: FieldRow[] }>([
    {
      name: "lists properties in schema order with required, format and description",
      given: {
        type: "object",
        properties: {
          id: { type: "string", format: "uuid", description: "The id." },
          note: { type: "string" },
        },
        required: ["id"],
      },
      want: [
        row("id", { required: true, constraints: ["format: uuid"], description: "The id." }),
        row("note", {}),
      ],
    },
    {
      name: "links a $ref to its definition and describes it by the definition",
      given: { type: "object", properties: { side: ref("Side") }, required: ["side"] },
      want: [row("side", { type: [link("Side")], required: true, description: "Direction of a trade." })],
    },
    {
      name: "names numeric, length, pattern and enum constraints",
      given: {
        type: "object",
        properties: {
          price: { type: "number", exclusiveMinimum: 0, maximum: 10 },
          code: { type: "string", minLength: 1, maxLength: 8, pattern: "^[A-Z]+$" },
          kind: { type: "string", enum: ["a", "b"], default: "a" },
        },
      },
      want: [
        row("price", { type: [text("number")], constraints: ["exclusiveMinimum: 0", "maximum: 10"] }),
        row("code", { constraints: ["pattern: ^[A-Z]+$", "minLength: 1", "maxLength: 8"] }),
        row("kind", { constraints: ['one of: "a", "b"', 'default: "a"'] }),
      ],
    },
    {
      name: "flattens nested objects and arrays of objects, nullable and union types",
      given: {
        type: "object",
        properties: {
          levels: {
            type: "object",
            properties: { low: ref("Price") },
            required: ["low"],
            additionalProperties: false,
          },
          legs: {
            type: "array",
            minItems: 1,
            items: { type: "object", properties: { qty: { type: "number" } } },
          },
          tags: { type: "array", items: { type: "string" } },
          note: { type: ["string", "null"], deprecated: true },
          either: { oneOf: [ref("Price"), { type: "string" }] },
        },
      },
      want: [
        row("levels", { type: [text("object")], constraints: ["no other properties"] }),
        row("levels.low", { type: [link("Price")], required: true }),
        row("legs", { type: [text("array of "), text("object")], constraints: ["minItems: 1"] }),
        row("legs[].qty", { type: [text("number")] }),
        row("tags", { type: [text("array of "), text("string")] }),
        row("note", { type: [text("string"), text(" | "), text("null")], deprecated: true }),
        row("either", { type: [link("Price"), text(" | "), text("string")] }),
      ],
    },
  ])("$name", ({ given, want }) => {
    const describe = (name: string) => (name === "Side" ? "Direction of a trade." : undefined);
    expect(fieldRows(given, describe)).toEqual(want);
  });
});

describe("the HTML catalog escapes schema text", () => {
  test("a description, enum value, example and event type cannot inject markup", () => {
    const evil = `<img src=x onerror="alert(1)">`;
    const model = contractModel({
      definitions: [definition("Evil", { type: "string", enum: [evil], description: evil })],
      events: [
        event(
          "page.viewed",
          {
            type: "object",
            description: evil,
            properties: { [evil]: { type: "string", description: evil }, e: ref("Evil") },
          },
          {
            description: evil,
            title: evil,
            examples: [{ [evil]: evil }],
            producers: [evil],
            consumers: [evil],
          },
        ),
      ],
    });
    for (const file of emitCatalog(model, resolvedConfig()).filter((f) => /\.(html|svg)$/.test(f.path))) {
      expect(file.contents, file.path).not.toContain("<img");
      expect(file.contents, file.path).not.toContain('onerror="');
    }
  });
});

describe("descriptions are Markdown, with raw HTML escaped", () => {
  it.each([
    ["An instrument, `BASE-QUOTE`.", "An instrument, <code>BASE-QUOTE</code>."],
    ["`<b>` stays text", "<code>&lt;b&gt;</code> stays text"],
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ['<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"],
    ["an unpaired ` backtick", "an unpaired ` backtick"],
    ["Filled **in full**, _never_ above it", "Filled <strong>in full</strong>, <em>never</em> above it"],
    ["See [the ADR](https://example.com/adr)", 'See <a href="https://example.com/adr">the ADR</a>'],
    ["[click](javascript:alert(1))", "[click](javascript:alert(1))"],
  ])("in a cell: %s", (input, output) => {
    expect(markdownCellHtml(input)).toBe(output);
  });

  it("renders lists and code blocks as blocks, and keeps a single paragraph's <p> on a page", () => {
    expect(markdownHtml('Reasons:\n\n- `user`\n- `risk-limit` <i>\n\n```\n{ "a": 1 }\n```')).toBe(
      "<p>Reasons:</p>\n<ul>\n<li><code>user</code></li>\n<li><code>risk-limit</code> &lt;i&gt;</li>\n</ul>\n<pre><code>{ &quot;a&quot;: 1 }\n</code></pre>\n",
    );
    expect(markdownCellHtml("One.\n\nTwo.")).toBe("<p>One.</p>\n<p>Two.</p>");
    expect(markdownHtml("One.")).toBe("<p>One.</p>\n");
  });

  it.each([
    ["a | b\nc", "a \\| b c"],
    [
      "Reasons:\n\n- `user`\n- `risk-limit`\n  and more",
      "Reasons:<br><br>- `user`<br>- `risk-limit` and more",
    ],
    ["1. first\n2. second <b>", "1. first<br>2. second &lt;b&gt;"],
  ])("keeps the shape of a description in a Markdown table cell: %j", (input, output) => {
    expect(escapeMarkdownCell(input)).toBe(output);
  });
});
