import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { ContentMemo } from "./memo.js";
import { isPrintingWithoutFormatter, PRINT_WIDTH } from "./printed-member.js";
import { printedStatement } from "./printed-statement.js";

/** The version of the Prettier installed, from its package.json (Prettier itself loads where it formats). */
const prettierVersion = (createRequire(import.meta.url)("prettier/package.json") as { version: string })
  .version;

/** Prettier options matching the repository's Biome formatter, so generated files pass `biome check`. */
const PRETTIER_OPTIONS = {
  // babel-ts prints the same code as the typescript parser here and parses ~2× faster (a fresh
  // `postbus generate` of the 300-schema bench corpus: 7.1 s → 5.1 s).
  parser: "babel-ts",
  printWidth: PRINT_WIDTH,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
} as const;

/** Formatted chunks by their unformatted text; enough for several thousand declarations. */
const formattedChunks = new ContentMemo<Promise<string>>(20_000);

/** A comment line put between chunks formatted in one Prettier call, to cut the output apart again. */
const SEPARATOR = "// @@postbus-format-chunk@@";

/**
 * Formats a generated TypeScript module. Uses only the options above (no
 * `.prettierrc` lookup), so the output does not depend on the machine. Prettier
 * loads on the first call: a run whose chunks are all remembered never loads it.
 */
export async function formatTypeScript(source: string): Promise<string> {
  const { format } = await import("prettier");
  return format(source, PRETTIER_OPTIONS);
}

/**
 * Formatted chunks an earlier process left (see {@link restoreFormattedChunks}), by the hash of the
 * unformatted text, and those this process used: what {@link formattedChunksToKeep} hands back.
 */
const restored = new Map<string, string>();
const used = new Map<string, string>();

const chunkHash = (source: string) => createHash("sha256").update(source).digest("base64");

/** What the formatted output depends on besides the text: Prettier's version and the options. */
export const FORMAT_KEY = createHash("sha256")
  .update(JSON.stringify([prettierVersion, PRETTIER_OPTIONS]))
  .digest("hex")
  .slice(0, 16);

/**
 * Takes formatted chunks remembered by an earlier process (`hash of the unformatted text → formatted
 * text`, as {@link formattedChunksToKeep} returned them under the same {@link FORMAT_KEY}): a fresh
 * `postbus generate` then formats only what changed since.
 */
export function restoreFormattedChunks(entries: Readonly<Record<string, string>>): void {
  for (const [hash, text] of Object.entries(entries)) if (typeof text === "string") restored.set(hash, text);
}

/** The formatted chunks this process used, to remember for the next one. */
export function formattedChunksToKeep(): Record<string, string> {
  return Object.fromEntries(used);
}

/** Whether `source` is formatted already, in this process or a restored one. */
function isRemembered(source: string): boolean {
  return formattedChunks.has(source) || restored.has(chunkHash(source));
}

/** {@link formatTypeScript}, remembered by the source text (for chunks that recur between runs). */
export function formatTypeScriptCached(source: string): Promise<string> {
  const hash = chunkHash(source);
  const formatted = formattedChunks.get(source, () => {
    const text = restored.get(hash);
    return text === undefined ? formatTypeScript(source) : Promise.resolve(text);
  });
  return formatted.then((text) => {
    used.set(hash, text);
    return text;
  });
}

/** {@link printedStatement}'s answer by chunk (`null`: Prettier formats it), so `--watch` asks once per text. */
const printedStatements = new ContentMemo<string | null>(20_000);

/** A line that can begin a top-level statement of a generated module (or its doc comment). */
const STATEMENT_START =
  /^(?:\/\*\*|\/\/|export |import |const |let |function |async function |type |interface )/;

/**
 * Formats a module statement by statement: splits `source` at blank lines that
 * are followed by the start of a top-level statement, formats each chunk as
 * Prettier formats it in the whole module (remembered by its text) and joins
 * them with one blank line, which is what Prettier makes of statements separated
 * by one blank line. A chunk that does not parse on its own (a blank line inside
 * a function, say) is merged with the next.
 *
 * Only for modules whose top-level statements are separated by blank lines and
 * end with `;` or `}` (no statement continues after a blank line).
 */
export async function formatByStatement(source: string): Promise<string> {
  const chunks: string[] = [];
  for (const piece of source.split("\n\n")) {
    const last = chunks.length - 1;
    if (last >= 0 && (!STATEMENT_START.test(piece) || !isClosed(chunks[last]!))) {
      chunks[last] = `${chunks[last]}\n\n${piece}`;
    } else {
      chunks.push(piece);
    }
  }
  // Statements already printed as Prettier prints them are used as written (printed-statement.ts).
  const printed = chunks.map((chunk) =>
    isPrintingWithoutFormatter()
      ? (printedStatements.get(chunk, () => printedStatement(chunk) ?? null) ?? undefined)
      : undefined,
  );
  await formatMissing(chunks.filter((chunk, index) => chunk.trim() !== "" && printed[index] === undefined));
  const formatted: string[] = [];
  for (let index = 0; index < chunks.length; ) {
    const written = printed[index];
    let chunk = chunks[index++]!;
    if (written !== undefined) {
      formatted.push(written);
      continue;
    }
    for (;;) {
      if (chunk.trim() === "") break;
      try {
        formatted.push(await formatTypeScriptCached(chunk));
        break;
      } catch (error) {
        if (index >= chunks.length) throw error;
        chunk = `${chunk}\n\n${chunks[index++]}`;
      }
    }
  }
  return formatted.join("\n");
}

/**
 * Formats the members of an object literal (`kind: "const"`) or object type
 * (`kind: "type"`) as Prettier formats them inside a multi-line object at the top
 * level, each remembered by its text. Returns each member's formatted lines
 * (indented by two spaces, each line ending with a newline).
 */
export async function formatMembers(members: readonly string[], kind: "const" | "type"): Promise<string[]> {
  const open = kind === "const" ? "const __member = {" : "type __Member = {";
  const wrap = (text: string) => `${open}\n${text}\n};\n`;
  const missing = [...new Set(members)].filter((member) => !isRemembered(wrap(member)));
  if (missing.length > 1) {
    // One Prettier call for all of them (a cold run), cut apart at separator comments.
    try {
      const formatted = await formatTypeScript(wrap(missing.join(`\n${SEPARATOR}\n`)));
      const inner = formatted.split("\n").slice(1, -2).join("\n");
      const parts = `\n${inner}\n`.split(`\n  ${SEPARATOR}\n`);
      if (parts.length === missing.length) {
        missing.forEach((member, index) => {
          const part = parts[index]!;
          const text = `${open}\n${part.slice(index === 0 ? 1 : 0, index === parts.length - 1 ? -1 : undefined)}\n};\n`;
          formattedChunks.get(wrap(member), () => Promise.resolve(text));
        });
      }
    } catch {
      // Formatted one by one below.
    }
  }
  return Promise.all(
    members.map(async (member) => {
      const formatted = await formatTypeScriptCached(wrap(member));
      const lines = formatted.split("\n");
      if (lines[0] !== open || lines.at(-2) !== "};" || lines.at(-1) !== "")
        throw new Error(`Unexpected layout of a formatted member: ${formatted.slice(0, 200)}`);
      return `${lines.slice(1, -2).join("\n")}\n`;
    }),
  );
}

/**
 * Formats the top-level `chunks` not remembered yet in one Prettier call (a cold
 * run formats hundreds) and remembers each one's part. Leaves them to be formatted
 * one by one when the output cannot be cut apart exactly.
 */
export async function formatMissing(chunks: readonly string[]): Promise<void> {
  const missing = [...new Set(chunks)].filter((chunk) => !isRemembered(chunk));
  if (missing.length < 2 || !missing.every(isClosed)) return;
  let formatted: string;
  try {
    formatted = await formatTypeScript(missing.map((chunk) => chunk.trim()).join(`\n\n${SEPARATOR}\n\n`));
  } catch {
    return;
  }
  const parts = formatted.split(`\n${SEPARATOR}\n\n`);
  if (parts.length !== missing.length) return;
  missing.forEach((chunk, index) => {
    const part = index === parts.length - 1 ? parts[index]! : parts[index]!.replace(/\n+$/, "\n");
    formattedChunks.get(chunk, () => Promise.resolve(part));
  });
}

/** No template literal or block comment left open: a blank line after it is not inside one. */
function isClosed(chunk: string): boolean {
  const backticks = chunk.split("`").length - 1;
  return chunk.trim() !== "" && backticks % 2 === 0 && chunk.split("/*").length === chunk.split("*/").length;
}
