import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { keepFormatCache, restoreFormatCache } from "../../../codegen/src/cache/format-cache.js";
import { emitTypes } from "../../../codegen/src/emit/emit-types.js";
import {
  FORMAT_KEY,
  formattedChunksToKeep,
  restoreFormattedChunks,
} from "../../../codegen/src/emit/format-typescript.js";
import { forgetEmitMemos } from "../../../codegen/src/emit/memo.js";
import { tradingModel } from "./support/model.js";

describe("Prettier's output is remembered across processes", () => {
  test("a restored chunk is used instead of formatting its text again", async () => {
    const first = await emitTypes(tradingModel());
    const kept = formattedChunksToKeep();
    expect(Object.keys(kept).length).toBeGreaterThan(3);
    // A new process: nothing in memory, the chunks restored — marked, to see that they are what is used.
    forgetEmitMemos();
    restoreFormattedChunks(
      Object.fromEntries(
        Object.entries(kept).map(([hash, text]) => [hash, text.replace(/\n$/, " // restored\n")]),
      ),
    );
    const second = await emitTypes(tradingModel());
    expect(second).not.toBe(first);
    expect(second.replaceAll(" // restored\n", "\n")).toBe(first);
  });

  test("keepFormatCache writes node_modules/.cache/postbus/format-<Prettier version and options>.json, which restoreFormatCache reads", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "postbus-format-cache-"));
    try {
      await keepFormatCache(root);
      await expect(readdir(path.join(root, "node_modules"))).rejects.toMatchObject({ code: "ENOENT" });
      await mkdir(path.join(root, "node_modules"));
      await emitTypes(tradingModel());
      await keepFormatCache(root);
      expect(await readdir(path.join(root, "node_modules/.cache/postbus"))).toEqual([
        `format-${FORMAT_KEY}.json`,
      ]);
      await restoreFormatCache(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
