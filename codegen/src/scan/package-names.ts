import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The `name` of the nearest `package.json` above a file (`undefined` when there is none, or it has
 * no name), each folder read once. Tells the scan which package a call sits in, and whether a
 * declaration belongs to `@postbus/client` (its sources or its published `dist/`).
 *
 * @example
 * ```ts
 * const packageOf = packageNames();
 * packageOf("/repo/demo/src/main.ts"); // "@postbus/demo"
 * ```
 */
export function packageNames(): (file: string) => string | undefined {
  const byFolder = new Map<string, string | undefined>();
  const lookUp = (folder: string): string | undefined => {
    if (byFolder.has(folder)) return byFolder.get(folder);
    const name = readName(path.join(folder, "package.json"));
    const parent = path.dirname(folder);
    const found = name !== null ? name : parent === folder ? undefined : lookUp(parent);
    byFolder.set(folder, found);
    return found;
  };
  return (file) => lookUp(path.dirname(path.resolve(file)));
}

/** The package's name; `undefined` for a package.json without one; `null` when there is no readable file. */
function readName(file: string): string | undefined | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    const name = typeof value === "object" && value !== null ? (value as { name?: unknown }).name : undefined;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
