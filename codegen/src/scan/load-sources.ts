import { existsSync } from "node:fs";
import path from "node:path";
import { Project, type SourceFile, ts } from "ts-morph";
import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";

/** The application's files to scan, each in a ts-morph project that can type-check it. */
export interface LoadedSources {
  readonly files: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the sources a scan names, relative to `base`: an entry ending in `.json` is a tsconfig
 * (its files, with its compiler options and `paths`); any other entry is a glob of TypeScript
 * files (`src/**\/*.ts`), checked with the compiler options of `<base>/tsconfig.json` when there
 * is one. Declaration files and `node_modules` are never scanned. A tsconfig that does not exist
 * or a glob that matches nothing is a `POSTBUS_SCAN_SOURCES` diagnostic naming the entry, at
 * `/sources/<index>` of `origin` (the config file the entries came from, relative to the root;
 * `undefined` for entries given on the command line).
 *
 * @example
 * ```ts
 * const { files } = loadSources(base, ["demo/tsconfig.json"], "postbus.config.json");
 * ```
 */
export function loadSources(
  base: string,
  sources: readonly string[],
  origin: string | undefined,
): LoadedSources {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, SourceFile>();
  const relativeTo = origin === undefined ? "the current folder" : `the folder of ${origin}`;
  const problem = (index: number, message: string, hint: string) =>
    diagnostics.push(
      diagnostic("POSTBUS_SCAN_SOURCES", message, hint, {
        file: origin ?? "(command line)",
        pointer: origin === undefined ? "" : `/sources/${index}`,
        line: 1,
        column: 1,
      }),
    );
  const globs: string[] = [];
  sources.forEach((entry, index) => {
    if (!entry.endsWith(".json")) {
      globs.push(entry);
      return;
    }
    const tsconfig = path.resolve(base, entry);
    if (!existsSync(tsconfig)) {
      problem(
        index,
        `The tsconfig "${entry}" does not exist`,
        `Name a tsconfig.json of the application, relative to ${relativeTo}`,
      );
      return;
    }
    const project = new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true });
    const added = project.addSourceFilesFromTsConfig(tsconfig);
    if (added.length === 0)
      problem(index, `The tsconfig "${entry}" includes no TypeScript files`, "Check its include and files");
    for (const file of added) if (scannable(file)) files.set(file.getFilePath(), file);
  });
  if (globs.length > 0) {
    const tsconfig = path.join(base, "tsconfig.json");
    const project = existsSync(tsconfig)
      ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true })
      : new Project({ compilerOptions: DEFAULT_OPTIONS });
    for (const glob of globs) {
      const index = sources.indexOf(glob);
      const pattern = path.resolve(base, glob).split(path.sep).join("/");
      const added = project.addSourceFilesAtPaths([pattern, "!**/node_modules/**"]).filter(scannable);
      if (added.length === 0)
        problem(
          index,
          `The glob "${glob}" matches no TypeScript file`,
          `Give a glob relative to ${relativeTo}, e.g. "src/**/*.ts"`,
        );
      for (const file of added) files.set(file.getFilePath(), file);
    }
  }
  return {
    files: [...files.values()].sort((a, b) => (a.getFilePath() < b.getFilePath() ? -1 : 1)),
    diagnostics,
  };
}

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
};

function scannable(file: SourceFile): boolean {
  return !file.isDeclarationFile() && !file.getFilePath().includes("/node_modules/");
}
