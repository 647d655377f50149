import { createHash } from "node:crypto";
import type { Bump, BumpRecommendation } from "./recommend-bump.js";

/** A changeset file: where it goes (relative to the project root) and its text. */
export interface ChangesetFile {
  readonly path: string;
  readonly contents: string;
}

/**
 * The changeset of a contracts release, in the format `@changesets/cli` reads
 * (`.changeset/<name>.md`: YAML front matter mapping the package name to its bump,
 * then the summary that goes into the changelog). The name is derived from the text,
 * so the same recommendation writes the same file. `undefined` for a bump of `none`.
 *
 * @example
 * ```ts
 * changesetFor("@shop/events", { bump: "minor", reasons: ["order.placed v3: added (minor)"] });
 * // { path: ".changeset/postbus-minor-1a2b3c4d.md", contents: '---\n"@shop/events": minor\n---\n\n…' }
 * ```
 */
export function changesetFor(
  packageName: string,
  recommendation: BumpRecommendation,
): ChangesetFile | undefined {
  const bump: Bump = recommendation.bump;
  if (bump === "none") return undefined;
  const contents = [
    "---",
    `${JSON.stringify(packageName)}: ${bump}`,
    "---",
    "",
    "Contracts changed (recommended by `postbus check`):",
    "",
    ...recommendation.reasons.map((reason) => `- ${reason}`),
    "",
  ].join("\n");
  const hash = createHash("sha256").update(contents).digest("hex").slice(0, 8);
  return { path: `.changeset/postbus-${bump}-${hash}.md`, contents };
}
