import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import type { Diagnostic } from "../../../codegen/src/ir/model.js";
import { generateFiles, json, problemsOf, tempProject } from "../support/project.js";

interface Want {
  readonly code: string;
  readonly file: string;
  readonly pointer: string;
  readonly line: number;
  readonly column?: number;
  readonly hint?: RegExp;
  readonly message?: RegExp;
}

function expectProblem(diagnostics: readonly Diagnostic[], want: Want): void {
  expect(diagnostics).toContainEqual(
    expect.objectContaining({
      code: want.code,
      location: expect.objectContaining({
        file: want.file,
        pointer: want.pointer,
        line: want.line,
        ...(want.column === undefined ? {} : { column: want.column }),
      }),
      ...(want.hint === undefined ? {} : { hint: expect.stringMatching(want.hint) }),
      ...(want.message === undefined ? {} : { message: expect.stringMatching(want.message) }),
    }),
  );
}

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  json({ type: "object", properties, ...extra });

describe("schema problems are diagnostics with code, file, line, pointer and hint", () => {
  it("invalid JSON", async () => {
    const diagnostics = await problemsOf({ "schemas/a/broken.json": '{\n  "type": "object",\n}\n' });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_PARSE",
      file: "schemas/a/broken.json",
      pointer: "",
      line: 3,
      column: 1,
    });
  });

  it("invalid YAML", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/broken.yaml": "type: object\nproperties:\n  a: { type: string\n  b: 1\n",
    });
    expect(diagnostics[0]).toMatchObject({
      code: "POSTBUS_SCHEMA_PARSE",
      location: { file: "schemas/a/broken.yaml" },
    });
    expect(diagnostics[0]?.location.line).toBeGreaterThanOrEqual(3);
  });

  it("duplicate keys (JSON and YAML alike)", async () => {
    const diagnostics = await problemsOf({ "schemas/a/dup.yaml": "type: object\ntype: string\n" });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_PARSE",
      file: "schemas/a/dup.yaml",
      pointer: "",
      line: 2,
    });
  });

  it("a misspelt x-postbus key, with the closest suggested", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ "x-postbus": { chanel: "x" }, type: "object" }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNKNOWN_KEY",
      file: "schemas/a/x.done.json",
      pointer: "/x-postbus/chanel",
      line: 3,
      column: 5,
      hint: /Did you mean "channel"\?/,
    });
  });

  it.each(["x-postbuss", "x_postbus", "x-postbsu"])("a misspelt vendor block %s", async (key) => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ type: "object", [key]: { channel: "x" } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNKNOWN_KEY",
      file: "schemas/a/x.done.json",
      pointer: `/${key}`,
      line: 3,
      hint: /Did you mean "x-postbus"\?/,
    });
  });

  it("an x-postbus block below the root", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": object({ a: { type: "string", "x-postbus": {} } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNKNOWN_KEY",
      file: "schemas/a/x.done.json",
      pointer: "/properties/a/x-postbus",
      line: 6,
    });
  });

  it("duplicate event type + version, reported on the later file", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/order.placed.json": object({}),
      "schemas/b/placed.json": json({ "x-postbus": { eventType: "order.placed", version: 1 } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_DUPLICATE_EVENT",
      file: "schemas/b/placed.json",
      pointer: "/x-postbus/eventType",
      line: 3,
      message: /also defined by schemas\/a\/order\.placed\.json/,
    });
  });

  it("a channel name outside the allow-list", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ "x-postbus": { channel: "drop table" } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_CHANNEL",
      file: "schemas/a/x.done.json",
      pointer: "/x-postbus/channel",
      line: 3,
      hint: /ASCII letters/,
    });
  });

  it("a channel name over 50 bytes", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ "x-postbus": { channel: `c.${"x".repeat(49)}` } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_CHANNEL",
      file: "schemas/a/x.done.json",
      pointer: "/x-postbus/channel",
      line: 3,
      hint: /50 bytes/,
    });
  });

  it("an event type derived from a file name outside the allow-list", async () => {
    const diagnostics = await problemsOf({ "schemas/a/order placed.json": object({}) });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
      file: "schemas/a/order placed.json",
      pointer: "",
      line: 1,
      message: /derived from the file name/,
    });
  });

  it("a response naming an event type with no schema", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.requested.json": json({ "x-postbus": { response: "x.answered" } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
      file: "schemas/a/x.requested.json",
      pointer: "/x-postbus/response",
      line: 3,
    });
  });

  describe("request-response facts", () => {
    const reply = json({ type: "object" });
    const onReplyChannel = json({ "x-postbus": { channel: "x.replies" }, type: "object" });

    it("an error response on another channel than the response", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "x.failed" },
        }),
        "schemas/a/x.completed.json": onReplyChannel,
        "schemas/a/x.failed.json": reply,
      });
      expect(diagnostics).toHaveLength(1);
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_RESPONSE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 4,
        message: /"x\.failed" is on channel "x\.failed", the response "x\.completed" on "x\.replies"/,
        hint: /same channel/,
      });
    });

    it("a request that names itself as its response", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({ "x-postbus": { response: "x.requested" } }),
      });
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_RESPONSE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/response",
        line: 3,
        column: 5,
        message: /names itself as its response/,
        hint: /"x\.completed"/,
      });
    });

    it("an errorResponse without a response", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({ "x-postbus": { errorResponse: "x.failed" } }),
        "schemas/a/x.failed.json": reply,
      });
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_RESPONSE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 3,
        column: 5,
        message: /needs x-postbus\.response/,
        hint: /Declare the success reply in x-postbus\.response/,
      });
    });

    it("an errorResponse naming an event type with no schema", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "x.failed" },
        }),
        "schemas/a/x.completed.json": reply,
      });
      expect(diagnostics).toHaveLength(1);
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 4,
        column: 5,
        message: /error response event type "x\.failed" has no schema/,
        hint: /Add a schema for the error reply event/,
      });
    });

    it("an errorResponse that is also the response", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "x.completed" },
        }),
        "schemas/a/x.completed.json": reply,
      });
      expect(diagnostics).toHaveLength(1);
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_RESPONSE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 4,
        message: /"x\.completed" is also the response/,
        hint: /its own event type/,
      });
    });

    it("a request that names itself as its error response", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "x.requested" },
        }),
        "schemas/a/x.completed.json": reply,
      });
      expect(diagnostics).toHaveLength(1);
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_RESPONSE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 4,
        message: /names itself as its error response/,
        hint: /"x\.rejected"/,
      });
    });

    it("an errorResponse that is not a valid event type name", async () => {
      const diagnostics = await problemsOf({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "not ok" },
        }),
        "schemas/a/x.completed.json": reply,
      });
      expectProblem(diagnostics, {
        code: "POSTBUS_SCHEMA_BAD_EVENT_TYPE",
        file: "schemas/a/x.requested.json",
        pointer: "/x-postbus/errorResponse",
        line: 4,
      });
    });

    it("a response and an error response naming two other event types are fine, per version", async () => {
      const result = await generateFiles({
        "schemas/a/x.requested.json": json({
          "x-postbus": { response: "x.completed", errorResponse: "x.failed" },
        }),
        "schemas/a/x.requested.v2.json": json({ "x-postbus": { response: "x.completed" } }),
        "schemas/a/x.completed.json": onReplyChannel,
        "schemas/a/x.failed.json": onReplyChannel,
      });
      expect(result.diagnostics).toEqual([]);
      const requested = result.model?.events.filter((event) => event.eventType === "x.requested");
      expect(
        requested?.map(({ version, responseType, errorResponseType }) => ({
          version,
          responseType,
          errorResponseType,
        })),
      ).toEqual([
        { version: 1, responseType: "x.completed", errorResponseType: "x.failed" },
        { version: 2, responseType: "x.completed", errorResponseType: undefined },
      ]);
    });
  });

  it("a bad x-postbus value", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ "x-postbus": { version: "2", producers: ["ok", "not ok"] } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_FIELD",
      file: "schemas/a/x.done.json",
      pointer: "/x-postbus/version",
      line: 3,
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_NAME",
      file: "schemas/a/x.done.json",
      pointer: "/x-postbus/producers/1",
      line: 6,
    });
  });

  it("an x-postbus.partitionKey that is not a required string or number field", async () => {
    const schema = (partitionKey: unknown, required: string[]) =>
      object(
        { orderId: { type: "string" }, lines: { type: "array" } },
        { required, "x-postbus": { partitionKey } },
      );
    const diagnostics = await problemsOf({
      "schemas/a/x.missing.json": schema("orderid", ["orderId"]),
      "schemas/a/x.optional.json": schema("orderId", []),
      "schemas/a/x.array.json": schema("lines", ["lines"]),
      "schemas/a/x.fine.json": schema("orderId", ["orderId"]),
    });
    for (const [file, message] of [
      ["schemas/a/x.missing.json", /not a top-level property/],
      ["schemas/a/x.optional.json", /not required/],
      ["schemas/a/x.array.json", /a key is a string or a number/],
    ] as const) {
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          code: "POSTBUS_SCHEMA_BAD_FIELD",
          message: expect.stringMatching(message),
          location: expect.objectContaining({ file, pointer: "/x-postbus/partitionKey" }),
        }),
      );
    }
    expect(diagnostics.filter((d) => d.location?.file === "schemas/a/x.fine.json")).toEqual([]);
    expect(diagnostics.find((d) => d.location?.file === "schemas/a/x.missing.json")?.hint).toMatch(/orderId/);
  });

  it("a $ref to a file that does not exist", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": object({ money: { $ref: "../shared/missing.json" } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNRESOLVED_REF",
      file: "schemas/a/x.done.json",
      pointer: "/properties/money/$ref",
      line: 5,
      column: 7,
    });
  });

  it("a $ref to a pointer that does not exist", async () => {
    const diagnostics = await problemsOf({
      "schemas/shared/money.json": json({ $defs: { Amount: { type: "number" } } }),
      "schemas/a/x.done.json": object({ money: { $ref: "../shared/money.json#/$defs/Amont" } }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNRESOLVED_REF",
      file: "schemas/a/x.done.json",
      pointer: "/properties/money/$ref",
      line: 5,
      message: /#\/\$defs\/Amont/,
    });
  });

  it("a $ref to something that is not a schema", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": object({
        a: { type: "string", enum: ["x"] },
        b: { $ref: "#/properties/a/enum" },
      }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNRESOLVED_REF",
      file: "schemas/a/x.done.json",
      pointer: "/properties/b/$ref",
      line: 11,
      message: /not a schema/,
    });
  });

  it("a cross-file $ref cycle with no object or array in between", async () => {
    const diagnostics = await problemsOf({
      "schemas/shared/a.json": json({ $ref: "./b.json" }),
      "schemas/shared/b.json": json({ anyOf: [{ $ref: "./a.json" }, { type: "string" }] }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_CYCLIC_REF",
      file: "schemas/shared/a.json",
      pointer: "/$ref",
      line: 2,
      message: /A → B → A/,
    });
  });

  it.each([
    ["unevaluatedProperties", { unevaluatedProperties: false }],
    ["unevaluatedItems", { unevaluatedItems: false }],
    ["$dynamicRef", { $dynamicAnchor: "node", properties: { next: { $dynamicRef: "#node" } } }],
    ["$vocabulary", { $vocabulary: { "https://json-schema.org/draft/2020-12/vocab/core": true } }],
  ])("the 2020-12 keyword %s generates", async (_keyword, extra) => {
    const result = await generateFiles({ "schemas/a/x.done.json": json({ type: "object", ...extra }) });
    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("a $dynamicRef that names no schema, deep inside, in YAML", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.yaml": [
        "type: object",
        "properties:",
        "  items:",
        "    type: array",
        "    items:",
        "      type: object",
        '      $dynamicRef: "#node"',
        "",
      ].join("\n"),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_UNRESOLVED_REF",
      file: "schemas/a/x.done.yaml",
      pointer: "/properties/items/items/$dynamicRef",
      line: 7,
      column: 7,
    });
  });

  it("draft-07 constraints next to $ref are ignored, as draft-07 says, with a note", async () => {
    const files = {
      "schemas/a/x.done.json": json({
        $schema: "http://json-schema.org/draft-07/schema#",
        properties: { a: { $ref: "#/definitions/A", minLength: 2, description: "fine" } },
        definitions: { A: { type: "string" } },
      }),
    };
    const result = await generateFiles(files);
    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toHaveLength(1);
    expectProblem(result.notes, {
      code: "POSTBUS_SCHEMA_IGNORED_KEYWORD",
      file: "schemas/a/x.done.json",
      pointer: "/properties/a/minLength",
      line: 6,
      hint: /allOf/,
    });
    expect(JSON.stringify(result.model?.events[0]?.schema)).not.toContain("minLength");
    const strict = await problemsOf({ ...files, "postbus.config.json": json({ unknownKeywords: "error" }) });
    expect(strict.map((d) => d.code)).toEqual(["POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD"]);
  });

  it("a dialect other than draft-07 and 2020-12", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": json({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_DIALECT",
      file: "schemas/a/x.done.json",
      pointer: "/$schema",
      line: 2,
    });
  });

  it("a keyword with a value of the wrong shape", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/x.done.json": object(
        { a: { type: "strng" }, b: { type: "string", pattern: "(" } },
        { required: "a" },
      ),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_KEYWORD",
      file: "schemas/a/x.done.json",
      pointer: "/properties/a/type",
      line: 5,
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_KEYWORD",
      file: "schemas/a/x.done.json",
      pointer: "/properties/b/pattern",
      line: 9,
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_KEYWORD",
      file: "schemas/a/x.done.json",
      pointer: "/required",
      line: 12,
    });
  });

  it("an example that does not validate against its schema (refs included)", async () => {
    const diagnostics = await problemsOf({
      "schemas/shared/money.json": json({ type: "number", minimum: 0 }),
      "schemas/a/x.done.json": object(
        { price: { $ref: "../shared/money.json" }, at: { type: "string", format: "date-time" } },
        {
          examples: [
            { price: 1, at: "2025-05-15T10:30:45Z" },
            { price: -1, at: "yesterday" },
          ],
        },
      ),
    });
    expect(diagnostics).toHaveLength(1);
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_EXAMPLE",
      file: "schemas/a/x.done.json",
      pointer: "/examples/1",
      line: 17,
      message: /\/price must be >= 0.*\/at must match format "date-time"/,
    });
  });

  it("an unknown key in postbus.config.json, with the closest suggested", async () => {
    const project = await tempProject({
      "postbus.config.json": json({
        schemas: "schemas",
        definition: ["schemas/shared/**"],
        packages: { typs: {} },
      }),
    });
    try {
      const loaded = await loadConfig({ cwd: project.root });
      expect(loaded.config).toBeUndefined();
      expectProblem(loaded.diagnostics, {
        code: "POSTBUS_SCHEMA_CONFIG",
        file: "postbus.config.json",
        pointer: "/definition",
        line: 3,
        hint: /Did you mean "definitions"\?/,
      });
      expectProblem(loaded.diagnostics, {
        code: "POSTBUS_SCHEMA_CONFIG",
        file: "postbus.config.json",
        pointer: "/packages/typs",
        line: 7,
        hint: /Did you mean "types"\?/,
      });
    } finally {
      await project.remove();
    }
  });

  it("a config path that leaves the project, or has the wrong type", async () => {
    const project = await tempProject({ "postbus.config.json": json({ schemas: "../elsewhere", docs: 3 }) });
    try {
      const loaded = await loadConfig({ cwd: project.root });
      expectProblem(loaded.diagnostics, {
        code: "POSTBUS_SCHEMA_CONFIG",
        file: "postbus.config.json",
        pointer: "/schemas",
        line: 2,
      });
      expectProblem(loaded.diagnostics, {
        code: "POSTBUS_SCHEMA_CONFIG",
        file: "postbus.config.json",
        pointer: "/docs",
        line: 3,
      });
    } finally {
      await project.remove();
    }
  });

  it("collects every problem across files, sorted by file and line", async () => {
    const diagnostics = await problemsOf({
      "schemas/b/y.done.json": json({
        "x-postbus": { chanel: "y" },
        type: "object",
        minProperties: -1,
      }),
      "schemas/a/x.done.json": object({ a: { $ref: "#/nope" } }),
      "schemas/a/broken.json": "{",
    });
    expect(diagnostics.map((d) => `${d.location.file}:${d.location.line} ${d.code}`)).toEqual([
      "schemas/a/broken.json:1 POSTBUS_SCHEMA_PARSE",
      "schemas/a/x.done.json:5 POSTBUS_SCHEMA_UNRESOLVED_REF",
      "schemas/b/y.done.json:3 POSTBUS_SCHEMA_UNKNOWN_KEY",
      "schemas/b/y.done.json:6 POSTBUS_SCHEMA_BAD_KEYWORD",
    ]);
  });
});

describe("JSON that JSON.parse would accept but that is ambiguous", () => {
  it("a key twice in one object is a parse problem at the second one", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/dup.json":
        '{\n  "type": "object",\n  "properties": { "a": {}, "b\\u0022": {} },\n  "type": "string"\n}\n',
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_PARSE",
      file: "schemas/a/dup.json",
      pointer: "",
      line: 4,
      column: 3,
      message: /"type" appears twice/,
    });
  });

  it("the same key in sibling objects is fine", async () => {
    const diagnostics = await problemsOf({
      "schemas/a/ok.json": json({
        type: "object",
        properties: { a: { type: "string" }, b: { type: "string" } },
      }),
    });
    expect(diagnostics).toEqual([]);
  });
});

describe("examples through recursive definitions", () => {
  it("checks an example down a recursive $ref", async () => {
    const tree = json({
      $defs: {
        Node: {
          type: "object",
          properties: {
            label: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/Node" } },
          },
          required: ["label"],
        },
      },
    });
    const event = (child: unknown) =>
      json({
        type: "object",
        properties: { root: { $ref: "../shared/tree.json#/$defs/Node" } },
        examples: [{ root: { label: "a", children: [child] } }],
      });
    expect(
      await problemsOf({ "schemas/shared/tree.json": tree, "schemas/a/x.done.json": event({ label: "b" }) }),
    ).toEqual([]);
    const diagnostics = await problemsOf({
      "schemas/shared/tree.json": tree,
      "schemas/a/x.done.json": event({}),
    });
    expectProblem(diagnostics, {
      code: "POSTBUS_SCHEMA_BAD_EXAMPLE",
      file: "schemas/a/x.done.json",
      pointer: "/examples/0",
      line: 9,
      message: /\/root\/children\/0 must have required property 'label'/,
    });
  });
});

describe("keywords no dialect defines are annotations, as the specification says", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["additionalItems in 2020-12", { additionalItems: false }, "/additionalItems", /constrains nothing/],
    ["a misspelt keyword", { propertes: {} }, "/propertes", /Did you mean "properties"\?/],
    ["a vendor keyword", { javaType: "com.acme.Order" }, "/javaType", /constrains nothing/],
    [
      "dependentRequired in draft-07",
      { $schema: "http://json-schema.org/draft-07/schema#", dependentRequired: { a: ["b"] } },
      "/dependentRequired",
      /dependencies/,
    ],
    [
      "dependentSchemas in draft-07",
      { $schema: "http://json-schema.org/draft-07/schema#", dependentSchemas: { a: { required: ["b"] } } },
      "/dependentSchemas",
      /dependencies/,
    ],
    [
      "a format no checker knows",
      { properties: { e: { type: "string", format: "idn-email" } } },
      "/properties/e/format",
      /hostname/,
    ],
  ];

  it.each(cases)("%s generates, with an info note naming it", async (_name, extra, pointer, hint) => {
    const result = await generateFiles({ "schemas/a/x.done.json": json({ type: "object", ...extra }) });
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.events).toHaveLength(1);
    expect(result.notes).toContainEqual(
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_IGNORED_KEYWORD",
        severity: "info",
        location: expect.objectContaining({ file: "schemas/a/x.done.json", pointer }),
        hint: expect.stringMatching(hint),
      }),
    );
    const ignored = pointer.split("/").at(-1) as string;
    // The keyword is left out of the model; an unknown format stays as the annotation it is.
    if (ignored !== "format")
      expect(JSON.stringify(result.model?.events[0]?.schema)).not.toContain(`"${ignored}"`);
  });

  it.each(cases)('%s is an error with "unknownKeywords": "error"', async (_name, extra, pointer) => {
    const result = await generateFiles({
      "postbus.config.json": json({ unknownKeywords: "error" }),
      "schemas/a/x.done.json": json({ type: "object", ...extra }),
    });
    expect(result.model).toBeUndefined();
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD",
        location: expect.objectContaining({ file: "schemas/a/x.done.json", pointer }),
        hint: expect.stringMatching(/"annotations"/),
      }),
    );
  });

  it("a vendor annotation listed in the config is ignored without a note, even with unknownKeywords: error", async () => {
    const result = await generateFiles({
      "postbus.config.json": json({ unknownKeywords: "error", annotations: ["javaType"] }),
      "schemas/a/x.done.json": json({
        type: "object",
        javaType: "com.acme.Order",
        properties: { id: { type: "string", javaType: "java.util.UUID" } },
      }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("a $ref inside an ignored keyword is data: it is not resolved", async () => {
    const result = await generateFiles({
      "schemas/a/x.done.json": json({ type: "object", "x-not-vendor": 1, wrapper: { $ref: "#/nowhere" } }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.notes.map((note) => note.location.pointer)).toEqual(["/wrapper"]);
  });

  it("rejects a bad unknownKeywords or annotations value in the config", async () => {
    const project = await tempProject({
      "postbus.config.json": json({ unknownKeywords: "warn", annotations: [""] }),
    });
    try {
      const { diagnostics } = await loadConfig({ cwd: project.root });
      expect(diagnostics.map((d) => d.location.pointer)).toEqual(["/unknownKeywords", "/annotations"]);
      expect(diagnostics[0]?.message).toMatch(/"annotation", "error"/);
    } finally {
      await project.remove();
    }
  });
});
