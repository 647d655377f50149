/**
 * Evaluates an emitted zod module in memory: TypeScript is transpiled (types stripped) to CommonJS and run
 * with `require("zod")` answered by the zod this test imports. Nothing is written to disk.
 */
import ts from "typescript";
import * as zod from "zod";

/** A zod schema as the differential test uses it. */
export interface ParsingSchema {
  readonly safeParse: (value: unknown) => { readonly success: boolean };
}

export function loadEmittedModule(source: string): Readonly<Record<string, ParsingSchema>> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: Record<string, ParsingSchema> = {};
  const require = (specifier: string): unknown => {
    if (specifier !== "zod") throw new Error(`emitted module imports ${specifier}; only zod is allowed`);
    return zod;
  };
  new Function("require", "exports", "module", outputText)(require, exports, { exports });
  return exports;
}
