import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeCorpus } from "../../../bench/lib/schema-corpus.js";
import { emitRegistry } from "../../../codegen/src/emit/emit-registry.js";
import { forgetEmitMemos } from "../../../codegen/src/emit/memo.js";
import { printedMember, printWithoutFormatter } from "../../../codegen/src/emit/printed-member.js";
import type { ContractModel } from "../../../codegen/src/ir/model.js";
import { json, modelAt, tempProject } from "../support/project.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** registry.ts printed with members written as they are where possible, and with Prettier for all. */
async function bothWays(model: ContractModel): Promise<{ direct: string; prettier: string }> {
  forgetEmitMemos();
  const direct = await emitRegistry(model);
  forgetEmitMemos();
  const previous = printWithoutFormatter(false);
  try {
    return { direct, prettier: await emitRegistry(model) };
  } finally {
    printWithoutFormatter(previous);
    forgetEmitMemos();
  }
}

/** An event schema with the given `x-postbus` facts, title and description. */
const event = (facts: Record<string, unknown>, title: string, description: string) =>
  json({
    title,
    description,
    "x-postbus": { channel: "c", domain: "d", producers: ["p"], consumers: [], ...facts },
    type: "object",
    properties: { id: { type: "string" } },
    required: ["id"],
  });

describe("registry members written without Prettier are what Prettier prints", () => {
  let corpus: string;
  beforeAll(async () => {
    corpus = await mkdtemp(path.join(os.tmpdir(), "postbus-printed-"));
    await writeCorpus(corpus);
  });
  afterAll(async () => {
    await rm(corpus, { recursive: true, force: true });
  });

  test("the 300-schema bench corpus and this repository's contracts", async () => {
    for (const root of [corpus, REPO]) {
      const { direct, prettier } = await bothWays(await modelAt(root));
      expect(direct).toBe(prettier);
    }
  });

  test("members Prettier would change: long lines, requoted strings, keys it may unquote, odd docs, several versions", async () => {
    const many = Array.from({ length: 14 }, (_, index) => `consumer-slice-number-${index}`);
    const project = await tempProject({
      "schemas/a/plain.json": event({ eventType: "a.plain", version: 1 }, "Plain", "Nothing special."),
      "schemas/a/ping.json": event({ eventType: "ping", version: 1 }, "Ping", "A key that needs no quotes."),
      "schemas/a/long.json": event(
        { eventType: "a.long", version: 1, consumers: many },
        "Long",
        "Its consumers do not fit on one line.",
      ),
      "schemas/a/quoted.json": event(
        { eventType: "a.quoted", version: 1, deprecated: 'Say "replaced" {now}; it\'s gone' },
        "Quoted",
        "A deprecation reason with quotes and braces.",
      ),
      "schemas/a/odd-doc.json": event(
        { eventType: "a.odd", version: 1 },
        "Odd  doc",
        "Trailing space here \nA tab\there, unicode — é, an empty line:\n\nand a very long line of prose that goes on well past the print width of one hundred and ten characters.",
      ),
      "schemas/a/v1.json": event({ eventType: "a.versioned", version: 1 }, "Versioned", "First."),
      "schemas/a/v2.json": event({ eventType: "a.versioned", version: 2 }, "Versioned", "Second."),
      "schemas/a/ask.json": event(
        { eventType: "a.ask", version: 1, response: "a.plain", errorResponse: "a.long", partitionKey: "id" },
        "Ask",
        "A request.",
      ),
    });
    try {
      const { direct, prettier } = await bothWays(await modelAt(project.root));
      expect(direct).toBe(prettier);
      expect(direct).toContain('"a.plain": {');
    } finally {
      await project.remove();
    }
  });

  test("what is accepted as printed, and what is left to Prettier", () => {
    const doc = "  /**\n   * Plain\n   *\n   * Text.\n   */\n";
    expect(printedMember(`${doc}  "a.b": {\n    version: 1,\n    producers: ["x", "y"],\n  },`)).toBe(
      `${doc}  "a.b": {\n    version: 1,\n    producers: ["x", "y"],\n  },\n`,
    );
    expect(printedMember(`  "a.b": { response: "c.d"; errorResponse: never };`)).toBeDefined();
    for (const rejected of [
      `  "ab": {\n    version: 1,\n  },`, // Prettier may print the key without quotes
      `  "a.b": {\n    producers: ["x","y"],\n  },`, // no space after the comma
      `  "a.b": {\n    reason: "say \\"hi\\"",\n  },`, // Prettier would use single quotes
      `  "a.b": {\n    rows: [\n      { v: 1 },\n    ],\n  },`, // an array on lines of its own
      `  "a.b": {\n    consumers: [${'"x", '.repeat(30)}"y"],\n  },`, // too long
      `  "a.b": {\n    v: {a: 1},\n  },`, // no spaces inside the braces
      `  /**\n   * Trailing \n   */\n  "a.b": X;`, // a trailing space in the doc
      `  /**\n\t * Tab\n   */\n  "a.b": X;`,
    ]) {
      expect(printedMember(rejected), rejected).toBeUndefined();
    }
    const previous = printWithoutFormatter(false);
    try {
      expect(printedMember(`  "a.b": X;`)).toBeUndefined();
    } finally {
      printWithoutFormatter(previous);
    }
  });
});
