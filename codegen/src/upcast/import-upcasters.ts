/**
 * Makes the checked upcasters runnable inside the generator's own process: each file is
 * transpiled alone (its imports are type-only, so nothing is left to resolve) and imported
 * from a `data:` URL. Nothing is written to disk, and the same code runs under tsx (from
 * source) and under plain Node (from `codegen/dist`), since neither has to load a `.ts` file.
 */
import type { UpcasterStep } from "../ir/model.js";

/** An upcaster step with its function. */
export interface RunnableUpcaster {
  readonly step: UpcasterStep;
  readonly run: (data: unknown) => unknown;
}

/**
 * Loads the function of every step (the model's `upcasters`, which `loadUpcasters` checked).
 * Throws when a module does not export its function (it then no longer is the file that was checked).
 *
 * @example
 * ```ts
 * const [upcaster] = await importUpcasters(model.upcasters ?? []);
 * upcaster?.run({ orderId: "o-1", quantity: 1 }); // the v2 payload
 * ```
 */
export async function importUpcasters(steps: readonly UpcasterStep[]): Promise<RunnableUpcaster[]> {
  if (steps.length === 0) return [];
  // ts-morph's compiler is already loaded by the upcaster check that produced the steps.
  const { ts } = await import("ts-morph");
  return Promise.all(
    steps.map(async (step) => {
      const { outputText } = ts.transpileModule(step.packageText, {
        fileName: step.source.file,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      });
      const url = `data:text/javascript;base64,${Buffer.from(`${outputText}\n//# sourceURL=${step.source.file}\n`).toString("base64")}`;
      const module = (await import(url)) as Record<string, unknown>;
      const run = module[step.functionName];
      if (typeof run !== "function") {
        throw new Error(
          `${step.source.file} does not export the function ${step.functionName} it was checked with`,
        );
      }
      return { step, run: run as (data: unknown) => unknown };
    }),
  );
}
