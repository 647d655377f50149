import type { PartyOrigin } from "../../ir/code-parties.js";

const MARKS: { readonly [Origin in PartyOrigin]: string } = {
  both: "declared, in code",
  declared: "declared, not in code",
  code: "in code, not declared",
};

/**
 * What the catalog writes after a producer or consumer when it merged the code's with the
 * declared ones: `" (declared, in code)"`, `" (declared, not in code)"` or
 * `" (in code, not declared)"`; nothing without origins (no `sources` in the config).
 *
 * @example
 * ```ts
 * partyMark("risk", entry.origins?.consumers); // " (declared, not in code)"
 * ```
 */
export function partyMark(name: string, origins: ReadonlyMap<string, PartyOrigin> | undefined): string {
  const origin = origins?.get(name);
  return origin === undefined ? "" : ` (${MARKS[origin]})`;
}

/** Each name with its {@link partyMark}. */
export function markedParties(
  names: readonly string[],
  origins: ReadonlyMap<string, PartyOrigin> | undefined,
): string[] {
  return names.map((name) => `${name}${partyMark(name, origins)}`);
}
