/**
 * Phase 5, build: compiles a generated package's sources, in memory, into what npm
 * publishes — ESM (`dist/*.js`, `dist/*.d.ts`) and CommonJS (`dist/*.cjs`, `dist/*.d.cts`).
 * One type-checked program writes the declarations (a type error or a declaration the
 * compiler cannot write, such as TS7056, fails the build); each module is then
 * transpiled on its own for both formats. Touches no disk: the CLI writes the result.
 */
import path from "node:path";
import ts from "typescript";
import type { ResolvedConfig } from "../config/config.js";
import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic, GeneratedFile } from "../ir/model.js";
import { packageCompilerHost } from "./compiler-host.js";
import { packageFolder } from "./package-folder.js";

/** What {@link buildPackage} produced: the `dist/` files, or the problems that stopped it. */
export interface BuiltPackage {
  /** `<types.dir>/dist/…`, sorted by path; empty when there are diagnostics. */
  readonly files: GeneratedFile[];
  readonly diagnostics: Diagnostic[];
  /** Absolute paths of the files the compiler read from disk (TypeScript's lib, zod's declarations). */
  readonly inputs?: readonly string[];
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  declaration: true,
  emitDeclarationOnly: true,
  noEmitOnError: true,
};

/**
 * Builds the package whose generated files are `files` (paths relative to `config.root`):
 * the TypeScript sources under `<types.dir>/src/` and its `package.json` (its `"type":
 * "module"` makes the sources ES modules; without it, the one on disk). `zod` resolves from the package's
 * folder upward, else from the generator's own installation.
 *
 * @example
 * ```ts
 * const { files } = await generate(config, { emit: emitTypesPackage });
 * const built = buildPackage(config, files); // packages/types/dist/index.js, index.cjs, index.d.ts, …
 * ```
 */
export function buildPackage(config: ResolvedConfig, files: readonly GeneratedFile[]): BuiltPackage {
  const folder = packageFolder(config);
  const srcPrefix = `${folder}src/`;
  const sources = files.filter((file) => file.path.startsWith(srcPrefix) && file.path.endsWith(".ts"));
  const srcDir = path.join(config.root, srcPrefix);
  const distDir = path.join(config.root, folder, "dist");
  const manifest = files.find((file) => file.path === `${folder}package.json`);
  const inMemory = new Map(
    [...sources, ...(manifest === undefined ? [] : [manifest])].map((file) => [
      path.join(config.root, file.path),
      file.contents,
    ]),
  );
  const rootNames = sources.map((file) => path.join(config.root, file.path));
  const options = { ...COMPILER_OPTIONS, rootDir: srcDir, outDir: distDir };
  const program = ts.createProgram({
    rootNames,
    options,
    host: packageCompilerHost(options, inMemory),
  });
  const declarations = new Map<string, string>();
  const emitted = program.emit(undefined, (file, text) => declarations.set(file, text));
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (problems.length > 0) {
    return { files: [], diagnostics: problems.map((problem) => toDiagnostic(problem, config.root)) };
  }

  const out: GeneratedFile[] = [];
  const relative = (file: string) => path.relative(config.root, file).split(path.sep).join("/");
  for (const [file, text] of declarations) {
    out.push({ path: relative(file), contents: text });
    out.push({ path: relative(file).replace(/\.d\.ts$/, ".d.cts"), contents: toCommonJsSpecifiers(text) });
  }
  for (const file of sources) {
    // The layout of src/ (upcasters/ included) is kept: modules import each other by relative path.
    const target = `${folder}dist/${file.path.slice(srcPrefix.length, -".ts".length)}`;
    out.push({ path: `${target}.js`, contents: transpile(file.contents, file.path, ts.ModuleKind.ESNext) });
    out.push({
      path: `${target}.cjs`,
      contents: transpile(toCommonJsSpecifiers(file.contents), file.path, ts.ModuleKind.CommonJS),
    });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const inputs = program
    .getSourceFiles()
    .map((file) => path.resolve(file.fileName))
    .filter((file) => !inMemory.has(file));
  return { files: out, diagnostics: [], inputs };
}

/** One module on its own (no type information needed: the program above checked it). */
function transpile(source: string, fileName: string, module: ts.ModuleKind): string {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module, esModuleInterop: true },
  }).outputText;
}

/** `from "./registry.js"` → `from "./registry.cjs"` (and `../types.js` from `upcasters/`): the CommonJS build's modules require each other. */
function toCommonJsSpecifiers(text: string): string {
  return text.replace(/(from\s+["']\.{1,2}\/[\w./-]+?)\.js(["'])/g, "$1.cjs$2");
}

function toDiagnostic(problem: ts.Diagnostic, root: string): Diagnostic {
  const message = ts.flattenDiagnosticMessageText(problem.messageText, " ");
  const at =
    problem.file === undefined || problem.start === undefined
      ? { line: 0, character: 0 }
      : problem.file.getLineAndCharacterOfPosition(problem.start);
  const file =
    problem.file === undefined
      ? "(build)"
      : path.relative(root, problem.file.fileName).split(path.sep).join("/");
  return diagnostic(
    "POSTBUS_PACKAGE_BUILD",
    `TS${problem.code}: ${message}`,
    "The generated package does not compile: report it with the schema that causes it, or generate with --no-build",
    { file, pointer: "", line: at.line + 1, column: at.character + 1 },
  );
}
