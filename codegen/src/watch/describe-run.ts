import type { ContentChange } from "./content-snapshot.js";

/** Names shown before "and N more". */
const LISTED = 4;

/**
 * What triggered a regeneration, for its one line: `schemas/a.yaml changed, schemas/b.yaml added`
 * (paths relative to the project root, `/`-separated, at most a few of each kind).
 *
 * @example
 * ```ts
 * describeChanges([{ file: "schemas/a.yaml", kind: "changed" }]); // "schemas/a.yaml changed"
 * ```
 */
export function describeChanges(changes: readonly ContentChange[]): string {
  const parts: string[] = [];
  for (const kind of ["changed", "added", "removed"] as const) {
    const files = changes.filter((change) => change.kind === kind).map((change) => change.file);
    if (files.length > 0) parts.push(`${listSome(files)} ${kind}`);
  }
  return parts.join(", ");
}

/**
 * The files one regeneration wrote and removed, from the writer's `wrote <file>` and
 * `removed <file>` lines: `wrote a.ts, b.ts; removed c.ts`, or `no output changed`.
 *
 * @example
 * ```ts
 * describeWrites(["wrote out/a.ts", "removed out/b.ts"]); // "wrote out/a.ts; removed out/b.ts"
 * ```
 */
export function describeWrites(lines: readonly string[]): string {
  const byVerb = new Map<string, string[]>();
  for (const line of lines) {
    const space = line.indexOf(" ");
    const verb = space < 0 ? line : line.slice(0, space);
    byVerb.set(verb, [...(byVerb.get(verb) ?? []), line.slice(space + 1)]);
  }
  if (byVerb.size === 0) return "no output changed";
  return [...byVerb].map(([verb, files]) => `${verb} ${listSome(files)}`).join("; ");
}

function listSome(items: readonly string[]): string {
  if (items.length <= LISTED + 1) return items.join(", ");
  return `${items.slice(0, LISTED).join(", ")} and ${items.length - LISTED} more`;
}
