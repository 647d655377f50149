/**
 * Registry members that need no formatter: most entries of `registry.ts` are written line by line
 * already as Prettier prints them (one field per line, short literals, a plain doc comment). Such a
 * member is used as written; any other one (a line Prettier would break, a string it would requote,
 * a key it might unquote, arrays of objects) goes through Prettier. Prettier stays the reference:
 * `test/codegen/emit/printed-member.test.ts` checks that both ways give the same bytes.
 */

/** Prettier's `printWidth` for generated code (`format-typescript.ts` formats with it). */
export const PRINT_WIDTH = 110;

let enabled = true;

/** Turns printing without Prettier on or off (tests compare both ways); returns the previous setting. */
export function printWithoutFormatter(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Whether members and statements already printed as Prettier prints them are used as written. */
export function isPrintingWithoutFormatter(): boolean {
  return enabled;
}

/** Whether `text` holds a control character other than the newline (a tab, a carriage return…). */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

/** Whether Prettier's `quoteProps: "as-needed"` may print the quoted key `key` without its quotes. */
export function keyMayLoseQuotes(key: string): boolean {
  return /^"(?:[A-Za-z_$][\w$]*|\d[\w.]*)"$/.test(key);
}

/**
 * Where the code after a doc comment starting at `lines[start]` (`<indent>/**`) begins, or `start`
 * when none starts there; `undefined` when the comment is not closed or has a line Prettier would
 * change (each must be `<indent> *` alone or followed by a space and text without trailing space).
 */
export function afterDocComment(lines: readonly string[], start: number, indent: string): number | undefined {
  if (lines[start] !== `${indent}/**`) return start;
  const close = `${indent} */`;
  const star = `${indent} *`;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === close) return index + 1;
    const rest = line.startsWith(star) ? line.slice(star.length) : undefined;
    if (rest === undefined || (rest !== "" && !(rest.startsWith(" ") && /\S$/.test(rest)))) return undefined;
  }
  return undefined;
}

/**
 * `member` (the text of one object member, indented by two spaces, doc comment first) when it is
 * already printed as Prettier prints it inside a multi-line object, with the newline Prettier ends
 * it with; `undefined` when Prettier has to format it. Accepted: a doc comment of plain lines, then
 * code lines of printable ASCII without backslashes (no string Prettier would requote) that fit in
 * the print width, arrays written inline with `", "` between items, the member's key one that needs
 * its quotes, and no array that opens a line of its own.
 */
export function printedMember(member: string): string | undefined {
  if (!enabled || hasControlCharacter(member)) return undefined;
  const lines = member.split("\n");
  let index = afterDocComment(lines, 0, "  ");
  if (index === undefined || index >= lines.length) return undefined;
  const key = /^ {2}(?:readonly )?("[^"]*"):/.exec(lines[index]!)?.[1];
  if (key !== undefined && keyMayLoseQuotes(key)) return undefined;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.length > PRINT_WIDTH || !/^ *[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(line))
      return undefined;
    if (line.includes("\\") || line.includes("  ", line.search(/\S/)) || line.endsWith("[")) return undefined;
    if (/\[[^\]]*,(?! )/.test(line) || /\{[^ \n]/.test(line) || /[^ ]\}/.test(line)) return undefined;
  }
  return `${member}\n`;
}
