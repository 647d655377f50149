import { existsSync } from "node:fs";
import path from "node:path";
import { Project, type SourceFile, ts } from "ts-morph";
import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { staticFolder } from "./static-folder.js";

/** The application's files to scan, each in a ts-morph project that can type-check it. */
export interface LoadedSources {
  readonly files: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the sources a scan names, relative to `base`: an entry ending in `.json` is a tsconfig
 * (its files, with its compiler options and `paths`); any other entry is a glob of TypeScript
 * files (`src/**\/*.ts`), checked with the compiler options of the nearest tsconfig.json above
 * the glob's folder (strict NodeNext defaults without one). Declaration files and `node_modules` are never scanned. A tsconfig that does not exist
 * or a glob that matches nothing is a `POSTBUS_SCAN_SOURCES` diagnostic naming the entry, at
 * `/sources/<index>` of `origin` (the config file the entries came from, relative to the root;
 * `undefined` for entries given on the command line). `overrides` (absolute paths) replace or add
 * files in every project before anything is type-checked: the types package being generated,
 * so the scan sees the contracts as they are about to be written, not as they were.
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
  overrides: readonly { readonly file: string; readonly contents: string }[] = [],
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
  // One project per tsconfig: the globs that share their nearest tsconfig share its project.
  const projects = new Map<string, Project>();
  const projectFor = (tsconfig: string | undefined): Project => {
    const key = tsconfig ?? "";
    const known = projects.get(key);
    if (known !== undefined) return known;
    const project =
      tsconfig === undefined
        ? new Project({ compilerOptions: DEFAULT_OPTIONS })
        : new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true });
    projects.set(key, project);
    return project;
  };
  sources.forEach((entry, index) => {
    if (!entry.endsWith(".json")) {
      const pattern = path.resolve(base, entry);
      const project = projectFor(nearestTsconfig(staticFolder(pattern)));
      const added = project
        .addSourceFilesAtPaths([pattern.split(path.sep).join("/"), "!**/node_modules/**"])
        .filter(scannable);
      if (added.length === 0)
        problem(
          index,
          `The glob "${entry}" matches no TypeScript file`,
          `Give a glob relative to ${relativeTo}, e.g. "src/**/*.ts"`,
        );
      for (const file of added) files.set(file.getFilePath(), file);
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
    const added = projectFor(tsconfig).addSourceFilesFromTsConfig(tsconfig);
    if (added.length === 0)
      problem(index, `The tsconfig "${entry}" includes no TypeScript files`, "Check its include and files");
    for (const file of added) if (scannable(file)) files.set(file.getFilePath(), file);
  });
  for (const project of projects.values())
    for (const override of overrides)
      project.createSourceFile(override.file, override.contents, { overwrite: true });
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

/** The tsconfig.json in `folder` or the closest folder above it. */
function nearestTsconfig(folder: string): string | undefined {
  for (let current = folder; ; current = path.dirname(current)) {
    const candidate = path.join(current, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

function scannable(file: SourceFile): boolean {
  return !file.isDeclarationFile() && !file.getFilePath().includes("/node_modules/");
}
