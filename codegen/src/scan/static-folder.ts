import path from "node:path";

/** The folder a glob's matches all sit under: its path up to the first segment with a wildcard. */
export function staticFolder(pattern: string): string {
  const segments = pattern.split(/[\\/]/);
  const wild = segments.findIndex((segment) => /[*?[\]{}]/.test(segment));
  const fixed = wild < 0 ? segments.slice(0, -1) : segments.slice(0, wild);
  return fixed.join(path.sep) || path.sep;
}
