/**
 * Top-level statements that need no formatter: most validators the zod emitter writes are already
 * laid out as Prettier prints them (`export const XSchema = z.looseObject({` then one short property
 * per line, or the whole statement on one line). Such a statement is used as written; any other one
 * (a line Prettier would break, a string it would requote, a number it would respell, an arrow
 * function, a chain it might split) goes through Prettier. Prettier stays the reference:
 * `test/codegen/emit/printed-statement.test.ts` checks that both ways give the same bytes.
 */
import {
  afterDocComment,
  hasControlCharacter,
  isPrintingWithoutFormatter,
  keyMayLoseQuotes,
  PRINT_WIDTH,
} from "./printed-member.js";

const OBJECT_OPEN =
  /^export const [A-Za-z_$][\w$]*(?:: z\.ZodType<[A-Za-z_$][\w$]*>)? = z\.(?:looseObject|strictObject|object)\(\{$/;
const ONE_LINE = /^export const [A-Za-z_$][\w$]* = (.+);$/;
const PROPERTY = /^ {2}([A-Za-z_$][\w$]*|"[^"\\]*"): (.+),$/;

/**
 * `chunk` (one top-level statement with its doc comment, no blank lines) when Prettier would print it
 * exactly as written, with the newline Prettier ends it with; `undefined` otherwise.
 */
export function printedStatement(chunk: string): string | undefined {
  if (!isPrintingWithoutFormatter() || hasControlCharacter(chunk)) return undefined;
  const lines = chunk.split("\n");
  const index = afterDocComment(lines, 0, "");
  if (index === undefined) return undefined;
  const code = lines.slice(index);
  if (code.length === 0 || code.some((line) => /[^\x20-\x7e]/.test(line))) return undefined;
  if (code.length === 1) {
    const value = ONE_LINE.exec(code[0]!)?.[1];
    const fits = code[0]!.length <= PRINT_WIDTH;
    return fits && value !== undefined && isPlainValue(value) && layoutOf(value) === "one line"
      ? `${chunk}\n`
      : undefined;
  }
  if (!OBJECT_OPEN.test(code[0]!) || code[0]!.length > PRINT_WIDTH || code.at(-1) !== "});") return undefined;
  const printed = [...lines.slice(0, index), code[0]!];
  for (let line = 1; line < code.length - 1; line++) {
    const text = code[line]!;
    const afterDoc = afterDocComment(code, line, "  ");
    if (afterDoc === undefined || afterDoc >= code.length) return undefined;
    if (afterDoc > line) {
      printed.push(...code.slice(line, afterDoc));
      line = afterDoc - 1;
      continue;
    }
    const property = PROPERTY.exec(text);
    if (property === null || !isPlainValue(property[2]!)) return undefined;
    const [, key, value] = property as unknown as [string, string, string];
    // Prettier may drop the quotes of a key that needs none; the emitter quotes only keys that need them.
    if (keyMayLoseQuotes(key)) return undefined;
    if (layoutOf(value) === "one line") {
      if (text.length > PRINT_WIDTH) return undefined;
      printed.push(text);
      continue;
    }
    // One call per line under `key: head`. (Prettier keeps a capitalized head's first call on the
    // key's line, and breaks the arguments of a call that does not fit: such chains are left to it.)
    const chain = expandedChain(value);
    if (chain === undefined || !/^[a-z][\w$]*$/.test(chain.head)) return undefined;
    const rows = [`  ${key}: ${chain.head}`, ...chain.calls.map((call) => `    ${call}`)];
    rows[rows.length - 1] += ",";
    if (rows.some((row) => row.length > PRINT_WIDTH)) return undefined;
    printed.push(...rows);
  }
  printed.push("});");
  return `${printed.join("\n")}\n`;
}

/** `head.a(…).b(…)` as its head and its `.a(…)` calls; undefined for any other shape. */
function expandedChain(value: string): { head: string; calls: string[] } | undefined {
  const head = /^[A-Za-z_$][\w$]*/.exec(value)?.[0];
  if (head === undefined) return undefined;
  const calls: string[] = [];
  let start = head.length;
  for (const { close } of topLevelCalls(value)) {
    calls.push(value.slice(start, close + 1));
    start = close + 1;
  }
  if (start !== value.length || !calls.every((call) => /^\.[A-Za-z_$][\w$]*\(/.test(call))) return undefined;
  return { head, calls };
}

/** `value` with the text of every string literal replaced by `_` (same length): brackets in strings do not count. */
function maskStrings(value: string): string {
  return value.replaceAll(/"[^"\\]*"/g, (literal) => `"${"_".repeat(literal.length - 2)}"`);
}

/** Where each top-level call of `value` opens and closes its parentheses. */
function topLevelCalls(value: string): { open: number; close: number }[] {
  const calls: { open: number; close: number }[] = [];
  const text = maskStrings(value);
  let depth = 0;
  let open = -1;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === "(" || character === "[" || character === "{") {
      if (depth === 0 && character === "(") open = index;
      depth++;
    } else if (character === ")" || character === "]" || character === "}") {
      depth--;
      if (depth === 0 && character === ")") calls.push({ open, close: index });
    }
  }
  return calls;
}

/** Tokens of a value: identifiers (and `new`), numbers, plain double-quoted strings, punctuation. */
const TOKEN =
  /\s*(?:([A-Za-z_$][\w$]*)|(-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?(?:e-?[1-9]\d*)?)(?![\w.])|("[^"\\]*")|(=>|[<>]=?|[=!]==)|([.()[\]{},:]))/y;

/**
 * Whether `value` is an expression Prettier prints exactly as written: calls, member accesses, `new`,
 * literals, `[a, b]` and `{ a: b }`, plain arrow functions and comparisons, with canonical spacing,
 * and nothing else (no other operators, no regular expression or template literals).
 */
function isPlainValue(value: string): boolean {
  let previous = "";
  let position = 0;
  while (position < value.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(value);
    if (match === null) return false;
    const space = match[0].length - match[0].trimStart().length;
    const token = match[0].trimStart();
    // One space after `,` and `:` and inside `{ }`, after `new`, around `=>` and comparisons; none elsewhere.
    const operator = (text: string) => match[4] !== undefined && text === token;
    const wantSpace =
      previous === "," ||
      previous === ":" ||
      previous === "new" ||
      OPERATORS.has(previous) ||
      operator(token) ||
      (previous === "{" && token !== "}")
        ? 1
        : token === "}" && previous !== "{"
          ? 1
          : 0;
    if (space !== wantSpace && position > 0) return false;
    if (position === 0 && space !== 0) return false;
    if (
      match[1] !== undefined &&
      match[1] !== "new" &&
      /^(?:function|class|typeof|void|delete|await|yield)$/.test(token)
    )
      return false;
    previous = token;
    position = TOKEN.lastIndex;
  }
  return balanced(value) && arrowsArePlain(value);
}

const OPERATORS: ReadonlySet<string> = new Set(["=>", "<", ">", "<=", ">=", "===", "!=="]);

/**
 * Every arrow function is `() => x` or `(name) => x`, and a body holds at most one comparison: what
 * Prettier prints as it is (no parentheses to add around mixed operators).
 */
function arrowsArePlain(value: string): boolean {
  const text = maskStrings(value);
  const arrows = text.split("=>").length - 1;
  if (arrows === 0) return !/[<>=!]/.test(text);
  const shapes = text.match(/\((?:[A-Za-z_$][\w$]*)?\) =>/g) ?? [];
  const comparisons = text.match(/ (?:[<>]=?|[=!]==) /g) ?? [];
  return shapes.length === arrows && comparisons.length <= arrows;
}

/**
 * How Prettier lays out the member chain `value` (its top level): on one line, or one call per line
 * ("expanded"), which it forces for three or more calls when an argument is not simple (here: holds
 * an arrow function).
 */
function layoutOf(value: string): "one line" | "expanded" {
  const calls = topLevelCalls(value);
  const complex = calls.some(({ open, close }) => value.slice(open + 1, close).includes("=>"));
  // Otherwise Prettier keeps a chain that fits on one line (only fitting lines are accepted).
  return calls.length > 2 && complex ? "expanded" : "one line";
}

/** Brackets of `value` balanced and closed in order. */
function balanced(value: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const character of maskStrings(value)) {
    if (character === "(" || character === "[" || character === "{") open.push(character);
    else if (character in pairs && open.pop() !== pairs[character]) return false;
  }
  return open.length === 0;
}
