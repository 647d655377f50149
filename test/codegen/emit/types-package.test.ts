import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import type { EmitTypesPackage } from "../../../codegen/src/emit/emit-types-package.js";
import { emitTypesPackage } from "../../../codegen/src/emit/index.js";
import { typesPackageEmitter } from "../../../codegen/src/emit/types-package-emitter.js";
import { fallbackZodModule } from "./support/fallback-zod.js";
import { resolvedConfig, tradingModel, typesConfig } from "./support/model.js";

const emit = typesPackageEmitter(fallbackZodModule);
const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.resolve(here, "../../../node_modules/typescript/bin/tsc");

describe("the types package", () => {
  test("is a package.json, a README and five sources under <types.dir>/src, matching the snapshots", async () => {
    const files = await emit(tradingModel(), resolvedConfig({ types: typesConfig("libs/contracts/", "c") }));
    expect(files.map((file) => file.path)).toEqual([
      "libs/contracts/README.md",
      "libs/contracts/package.json",
      "libs/contracts/src/index.ts",
      "libs/contracts/src/registry.ts",
      "libs/contracts/src/schemas.ts",
      "libs/contracts/src/types.ts",
      "libs/contracts/src/validators.ts",
    ]);
    for (const file of files) {
      await expect(file.contents).toMatchFileSnapshot(
        `__snapshots__/types-package/${path.basename(file.path)}.snap`,
      );
    }
  });

  test("is byte-identical across runs", async () => {
    const first = await emit(tradingModel(), resolvedConfig());
    const second = await emit(tradingModel(), resolvedConfig());
    expect(second).toEqual(first);
  });

  test.each([
    { emitter: "the fallback zod emitter", emitPackage: emit },
    { emitter: "the zod emitter", emitPackage: emitTypesPackage },
  ])(
    "with $emitter, compiles under tsc --strict with noUncheckedIndexedAccess and verbatimModuleSyntax",
    async ({ emitPackage }: { emitPackage: EmitTypesPackage }) => {
      // Inside the repository so that `zod` resolves from its node_modules.
      const dir = await mkdtemp(path.join(here, ".generated-"));
      try {
        const files = await emitPackage(tradingModel(), resolvedConfig({ types: typesConfig(".", "t") }));
        expect(await emitPackage(tradingModel(), resolvedConfig({ types: typesConfig(".", "t") }))).toEqual(
          files,
        );
        for (const file of files) await writeFile(path.join(dir, path.basename(file.path)), file.contents);
        const args = [
          "--ignoreConfig",
          "--noEmit",
          "--strict",
          "--noUncheckedIndexedAccess",
          "--verbatimModuleSyntax",
          "--module",
          "nodenext",
          "--moduleResolution",
          "nodenext",
          "--target",
          "es2022",
          "--skipLibCheck",
          path.join(dir, "index.ts"),
        ];
        const result = await promisify(execFile)(process.execPath, [tsc, ...args]).catch(
          (error: { stdout: string }) => ({ stdout: error.stdout }),
        );
        expect(result.stdout).toBe("");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
