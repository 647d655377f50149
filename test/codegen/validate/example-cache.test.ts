import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { keepExampleCache, restoreExampleCache } from "../../../codegen/src/cache/example-cache.js";
import { loadModel } from "../../../codegen/src/generate.js";
import {
  EXAMPLE_RESULTS_KEY,
  exampleResultsToKeep,
  restoreExampleResults,
} from "../../../codegen/src/validate/example-results.js";
import { json, type TempProject, tempProject } from "../support/project.js";

/** One event whose two examples both pass; one shared definition it reaches. */
const FILES = {
  "schemas/shared/money.json": json({ type: "number", minimum: 0 }),
  "schemas/a/x.done.json": json({
    type: "object",
    properties: { price: { $ref: "../shared/money.json" } },
    required: ["price"],
    examples: [{ price: 1 }, { price: 2 }],
  }),
};

const messages = async (project: TempProject) =>
  (await loadModel(await project.config())).diagnostics.map((d) => d.message);

describe("example check results are remembered across processes", () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject(FILES);
  });
  afterEach(async () => {
    await project.remove();
  });

  test("a restored result is used instead of compiling the subject again, and only while what it read is unchanged", async () => {
    expect(await messages(project)).toEqual([]);
    const kept = exampleResultsToKeep();
    const ours = Object.keys(kept);
    expect(ours.length).toBeGreaterThan(0);
    // A new process that restored a (doctored) result for every subject: the doctored result is what it reports.
    restoreExampleResults(
      Object.fromEntries(ours.map((hash) => [hash, [{ index: 1, errors: "/price remembered" }]])),
    );
    try {
      expect(await messages(project)).toEqual(["Example 1 does not match the schema: /price remembered"]);
      // The shared definition changes: the subject's key changes with it, so ajv checks it afresh.
      await project.write("schemas/shared/money.json", json({ type: "number", minimum: 2 }));
      expect(await messages(project)).toEqual(["Example 0 does not match the schema: /price must be >= 2"]);
    } finally {
      restoreExampleResults(kept);
    }
  });

  test("keepExampleCache writes node_modules/.cache/postbus/examples-<ajv's version and options>.json, which restoreExampleCache reads", async () => {
    await loadModel(await project.config());
    await keepExampleCache(project.root);
    await expect(readdir(path.join(project.root, "node_modules"))).rejects.toMatchObject({ code: "ENOENT" });
    await mkdir(path.join(project.root, "node_modules"));
    await keepExampleCache(project.root);
    const folder = path.join(project.root, "node_modules/.cache/postbus");
    expect(await readdir(folder)).toEqual([`examples-${EXAMPLE_RESULTS_KEY}.json`]);
    const file = path.join(folder, `examples-${EXAMPLE_RESULTS_KEY}.json`);
    const entries = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const kept = exampleResultsToKeep();
    expect(Object.keys(entries).sort()).toEqual(Object.keys(kept).sort());
    // What the file says is what the next process believes (here: a doctored failure).
    const doctored = Object.fromEntries(
      Object.keys(entries).map((hash) => [hash, [{ index: 0, errors: "from the file" }]]),
    );
    await writeFile(file, JSON.stringify({ ...doctored, junk: [{ index: "x" }] }));
    await restoreExampleCache(project.root);
    try {
      expect(await messages(project)).toEqual(["Example 0 does not match the schema: from the file"]);
    } finally {
      restoreExampleResults(kept);
    }
    expect(await messages(project)).toEqual([]);
  });

  test("a cache file that is not JSON is no cache", async () => {
    await mkdir(path.join(project.root, "node_modules/.cache/postbus"), { recursive: true });
    await writeFile(
      path.join(project.root, `node_modules/.cache/postbus/examples-${EXAMPLE_RESULTS_KEY}.json`),
      "{not json",
    );
    await restoreExampleCache(project.root);
    expect(await messages(project)).toEqual([]);
  });
});
