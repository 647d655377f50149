/**
 * Top-level statements that need no formatter: most validators the zod emitter writes are already
 * laid out as Prettier prints them (`export const XSchema = z.looseObject({` then one short property
 * per line, or the whole statement on one line). Such a statement is used as written; any other one
 * (a line Prettier would break, a string it would requote, a number it would respell, an arrow
 * function, a chain it might split) goes through Prettier. Prettier stays the reference:
 * `test/codegen/emit/printed-statement.test.ts` checks that both ways give the same bytes.
 */
import { hasControlCharacter, isPrintingWithoutFormatter } from "./printed-member.js";

/** Prettier's `printWidth` for generated code (as in `format-typescript.ts`). */
const PRINT_WIDTH = 110;

/** A top-level doc comment line Prettier leaves as it is. */
const DOC_LINE = /^ \*(?: .*\S)?$/;

/** A property's doc comment line inside the object. */
const MEMBER_DOC_LINE = /^ {3}\*(?: .*\S)?$/;

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
  let index = 0;
  if (lines[0] === "/**") {
    for (index = 1; index < lines.length && lines[index] !== " */"; index++) {
      if (!DOC_LINE.test(lines[index]!)) return undefined;
    }
    index++;
  }
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
    if (text === "  /**") {
      printed.push(text);
      for (line++; line < code.length - 1 && code[line] !== "   */"; line++) {
        if (!MEMBER_DOC_LINE.test(code[line]!)) return undefined;
        printed.push(code[line]!);
      }
      printed.push("   */");
      continue;
    }
    const property = PROPERTY.exec(text);
    if (property === null || !isPlainValue(property[2]!)) return undefined;
    const [, key, value] = property as unknown as [string, string, string];
    // Prettier may drop the quotes of a key that needs none; the emitter quotes only keys that need them.
    if (/^"(?:[A-Za-z_$][\w$]*|\d[\w.]*)"$/.test(key)) return undefined;
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
  let depth = 0;
  let start = head.length;
  const text = value.replaceAll(/"[^"\\]*"/g, (literal) => "_".repeat(literal.length));
  for (let index = head.length; index < text.length; index++) {
    const character = text[index]!;
    if (character === "(" || character === "[" || character === "{") depth++;
    else if (character === ")" || character === "]" || character === "}") {
      depth--;
      if (depth === 0 && character === ")") {
        calls.push(value.slice(start, index + 1));
        start = index + 1;
      }
    }
  }
  if (start !== value.length || !calls.every((call) => /^\.[A-Za-z_$][\w$]*\(/.test(call))) return undefined;
  return { head, calls };
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
  TOKEN.lastIndex = 0;
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
  const arrows = value.split("=>").length - 1;
  if (arrows === 0) return !/[<>=!]/.test(value.replaceAll(/"[^"\\]*"/g, '""'));
  const shapes = value.match(/\((?:[A-Za-z_$][\w$]*)?\) =>/g) ?? [];
  const comparisons = value.replaceAll(/"[^"\\]*"/g, '""').match(/ (?:[<>]=?|[=!]==) /g) ?? [];
  return shapes.length === arrows && comparisons.length <= arrows;
}

/**
 * How Prettier lays out the member chain `value` (its top level): on one line, or one call per line
 * ("expanded"), which it forces for three or more calls when an argument is not simple (here: holds
 * an arrow function).
 */
function layoutOf(value: string): "one line" | "expanded" {
  const calls = topLevelCalls(value);
  const complex = calls.some((args) => args.includes("=>"));
  // Otherwise Prettier keeps a chain that fits on one line (only fitting lines are accepted).
  return calls.length > 2 && complex ? "expanded" : "one line";
}

/** The argument texts of the top-level calls of a member chain `head.a(…).b(…)`. */
function topLevelCalls(value: string): string[] {
  const calls: string[] = [];
  let depth = 0;
  let start = -1;
  const text = value.replaceAll(/"[^"\\]*"/g, (literal) => "_".repeat(literal.length));
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === "(" || character === "[" || character === "{") {
      if (depth === 0 && character === "(") start = index + 1;
      depth++;
    } else if (character === ")" || character === "]" || character === "}") {
      depth--;
      if (depth === 0 && character === ")") calls.push(value.slice(start, index));
    }
  }
  return calls;
}

/** Brackets of `value` balanced and closed in order. */
function balanced(value: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const character of value.replaceAll(/"[^"\\]*"/g, '""')) {
    if (character === "(" || character === "[" || character === "{") open.push(character);
    else if (character in pairs && open.pop() !== pairs[character]) return false;
  }
  return open.length === 0;
}
