/** TSDoc comments for generated exports, from a schema's `title`, `description`, `examples` and `deprecated`. */

export interface DocParts {
  readonly summary: readonly (string | undefined)[];
  readonly examples: readonly unknown[];
  /** `false`: not deprecated; a string or undefined: the reason, if any. */
  readonly deprecated: false | { readonly reason: string | undefined };
}

const escapeComment = (text: string): string => text.replaceAll("*/", "*\\/");

/** A `/** … *\/` block, or "" when there is nothing to say. */
export function tsdoc({ summary, examples, deprecated }: DocParts): string {
  const lines: string[] = [];
  const paragraphs = summary.filter((text): text is string => typeof text === "string" && text.trim() !== "");
  for (const [index, paragraph] of paragraphs.entries()) {
    if (index > 0) lines.push("");
    lines.push(...escapeComment(paragraph.trim()).split("\n"));
  }
  if (lines.length > 0 && (examples.length > 0 || deprecated !== false)) lines.push("");
  for (const example of examples) {
    lines.push("@example", "```json", ...escapeComment(JSON.stringify(example, null, 2)).split("\n"), "```");
  }
  if (deprecated !== false)
    lines.push(deprecated.reason ? `@deprecated ${escapeComment(deprecated.reason)}` : "@deprecated");
  if (lines.length === 0) return "";
  return `/**\n${lines.map((line) => (line === "" ? " *" : ` * ${line}`)).join("\n")}\n */\n`;
}

/** The `deprecated` annotation of a schema: `true` → deprecated without a reason. */
export const schemaDeprecation = (schema: unknown): DocParts["deprecated"] =>
  schema !== null && typeof schema === "object" && (schema as Record<string, unknown>).deprecated === true
    ? { reason: undefined }
    : false;
