/**
 * `tsc --noEmit` in memory: type-checks virtual TypeScript files (which import zod from the workspace)
 * with the repository's strict compiler options, and returns the diagnostics as text.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** Virtual files live here, so `import "zod"` resolves to the workspace's zod. */
export const VIRTUAL_DIR = path.join(ROOT, "test/codegen/zod/.virtual");

function compilerOptions(extra: ts.CompilerOptions): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.base.json");
  const config = ts.parseConfigFileTextToJson(configPath, readFileSync(configPath, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    ...extra,
  };
}

/**
 * Diagnostics for the files (name → source, placed in {@link VIRTUAL_DIR}); empty when they compile.
 * `extra` adds compiler options on top of the repository's strict ones.
 */
export function typecheck(files: Readonly<Record<string, string>>, extra: ts.CompilerOptions = {}): string[] {
  const options = compilerOptions(extra);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.join(VIRTUAL_DIR, name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.directoryExists = (directory) => directory === VIRTUAL_DIR || ts.sys.directoryExists(directory);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const diagnostics = [
    ...ts.getPreEmitDiagnostics(program),
    ...[...virtual.keys()].flatMap((file) => program.getDeclarationDiagnostics(program.getSourceFile(file))),
  ];
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.basename(diagnostic.file.fileName)}:${line + 1}:${character + 1} ${message}`;
  });
}
