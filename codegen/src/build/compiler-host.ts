/**
 * The compiler host of the package build: the generated sources come from memory,
 * everything else (TypeScript's lib, `zod`'s declarations) from disk. `zod` resolves
 * as Node resolves it from the package's folder; a project that has not installed it
 * there yet gets the one the generator itself depends on.
 */
import { createRequire } from "node:module";
import path from "node:path";
import ts from "typescript";

/** A host for `options` that serves `inMemory` (absolute path → text) before the disk. */
export function packageCompilerHost(
  options: ts.CompilerOptions,
  inMemory: ReadonlyMap<string, string>,
): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => inMemory.has(path.resolve(file)) || fileExists(file);
  host.readFile = (file) => inMemory.get(path.resolve(file)) ?? readFile(file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const text = inMemory.get(path.resolve(file));
    return text === undefined
      ? getSourceFile(file, language, onError, shouldCreate)
      : ts.createSourceFile(file, text, language, true);
  };
  const directoryExists = host.directoryExists?.bind(host);
  const folders = new Set<string>();
  for (const file of inMemory.keys()) {
    for (let folder = path.dirname(file); !folders.has(folder); folder = path.dirname(folder)) {
      folders.add(folder);
      if (path.dirname(folder) === folder) break;
    }
  }
  host.directoryExists = (folder) => folders.has(path.resolve(folder)) || (directoryExists?.(folder) ?? true);
  host.writeFile = () => {};
  const fallbackFrom = generatorFolder();
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, compilerOptions) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(literal.text, containingFile, compilerOptions, host);
      if (resolved.resolvedModule !== undefined || literal.text.startsWith(".")) return resolved;
      return ts.resolveModuleName(literal.text, fallbackFrom, compilerOptions, host);
    });
  return host;
}

/** A file path inside the generator's installation, for resolving its own dependencies. */
function generatorFolder(): string {
  const zodPackage = createRequire(import.meta.url).resolve("zod/package.json");
  // node_modules/zod/package.json → a sibling file that resolution starts from.
  return path.join(path.dirname(path.dirname(zodPackage)), "__postbus_resolve__.ts");
}
