import { compareText } from "./diagnostic.js";
import type { SourceLocation } from "./model.js";

/** A `$ref` from one definition to another with no object member or array item in between. */
export interface RefEdge {
  readonly from: string;
  readonly to: string;
  readonly location: SourceLocation;
}

/**
 * Cycles of unguarded references (`A = B`, `B = A | string`), each reported
 * once, starting at its alphabetically first definition. Recursion through a
 * property or array item is fine and is not reported.
 */
export function findUnguardedCycles(
  edges: readonly RefEdge[],
): { names: string[]; location: SourceLocation }[] {
  const outgoing = new Map<string, RefEdge[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const cycles: { names: string[]; location: SourceLocation }[] = [];
  const seen = new Set<string>();
  const state = new Map<string, "active" | "done">();
  const stack: RefEdge[] = [];
  const visit = (name: string): void => {
    state.set(name, "active");
    for (const edge of outgoing.get(name) ?? []) {
      if (state.get(edge.to) === "active") {
        const start = stack.findIndex((item) => item.from === edge.to);
        const cycle = [...stack.slice(start === -1 ? stack.length : start), edge];
        const names = cycle.map((item) => item.from);
        const first = [...names].sort(compareText)[0] ?? edge.to;
        const rotated = rotate(
          cycle,
          cycle.findIndex((item) => item.from === first),
        );
        const key = rotated.map((item) => item.from).join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          const head = rotated[0] ?? edge;
          cycles.push({ names: [...rotated.map((item) => item.from), head.from], location: head.location });
        }
      } else if (state.get(edge.to) === undefined) {
        stack.push(edge);
        visit(edge.to);
        stack.pop();
      }
    }
    state.set(name, "done");
  };
  for (const name of [...outgoing.keys()].sort(compareText)) if (state.get(name) === undefined) visit(name);
  return cycles;
}

function rotate<T>(items: readonly T[], start: number): T[] {
  return [...items.slice(start), ...items.slice(0, start)];
}
