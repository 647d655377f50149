/**
 * Registry members that need no formatter: most entries of `registry.ts` are written line by line
 * already as Prettier prints them (one field per line, short literals, a plain doc comment). Such a
 * member is used as written; any other one (a line Prettier would break, a string it would requote,
 * a key it might unquote, arrays of objects) goes through Prettier. Prettier stays the reference:
 * `test/codegen/emit/printed-member.test.ts` checks that both ways give the same bytes.
 */

/** Prettier's `printWidth` for generated code (as in `format-typescript.ts`). */
const PRINT_WIDTH = 110;

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

/** A key Prettier's `quoteProps: "as-needed"` may print without its quotes. */
const UNQUOTABLE_KEY = /^ {2}(?:readonly )?"(?:[A-Za-z_$][\w$]*|\d+)":/;

/** A doc comment line Prettier leaves as it is: `   *` alone, or followed by a space and text. */
const DOC_LINE = /^ {3}\*(?: .*\S)?$/;

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
  let index = 0;
  if (lines[0] === "  /**") {
    for (index = 1; index < lines.length && lines[index] !== "   */"; index++) {
      if (!DOC_LINE.test(lines[index]!)) return undefined;
    }
    index++;
  }
  if (index >= lines.length || UNQUOTABLE_KEY.test(lines[index]!)) return undefined;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.length > PRINT_WIDTH || !/^ *[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(line))
      return undefined;
    if (line.includes("\\") || line.includes("  ", line.search(/\S/)) || line.endsWith("[")) return undefined;
    if (/\[[^\]]*,(?! )/.test(line) || /\{[^ \n]/.test(line) || /[^ ]\}/.test(line)) return undefined;
  }
  return `${member}\n`;
}
