import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Diagnostic } from "../ir/model.js";
import { appendPointer, parentPointer } from "./json-pointer.js";

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A JSON or YAML file read into a value, with a way back from any pointer to its line. */
export interface ParsedText {
  /** The parsed value; `undefined` when the text did not parse. */
  readonly value: unknown;
  /** Where the value at `pointer` starts (its key, for object members); the nearest parent when absent. */
  readonly locate: (pointer: string) => Position;
  /** Parse errors, already as diagnostics (empty when it parsed). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses JSON (strictly, for `.json` files) or YAML, keeping source positions.
 * Positions come from the `yaml` parser's CST, built lazily on the first `locate`
 * of a pointer other than the root, so files without problems cost one parse.
 *
 * @example
 * ```ts
 * const parsed = parseText('{\n  "a": [1, 2]\n}', "schemas/x.json");
 * parsed.locate("/a/1"); // { line: 2, column: 13 }
 * ```
 */
export function parseText(text: string, file: string): ParsedText {
  const isJson = file.endsWith(".json");
  let positions: Map<string, number> | undefined;
  const lines = new LineCounter();
  const document = () =>
    parseDocument(text, { keepSourceTokens: true, lineCounter: lines, uniqueKeys: true });

  const locate = (pointer: string): Position => {
    if (positions === undefined && pointer === "") return positionAt(text, text.search(/\S|$/));
    if (positions === undefined) positions = collectPositions(document());
    for (let current = pointer; ; current = parentPointer(current)) {
      const offset = positions.get(current);
      if (offset !== undefined) return toPosition(lines.linePos(offset));
      if (current === "") return { line: 1, column: 1 };
    }
  };

  if (isJson) {
    try {
      const value: unknown = JSON.parse(text);
      const duplicate = findDuplicateKey(text);
      if (duplicate === undefined) return { value, locate, diagnostics: [] };
      const reason = `the key ${duplicate.key} appears twice in one object`;
      return {
        value: undefined,
        locate,
        diagnostics: [parseDiagnostic(file, positionAt(text, duplicate.offset), reason, "JSON")],
      };
    } catch (error) {
      const at = offsetOf(error);
      const position = at === undefined ? { line: 1, column: 1 } : positionAt(text, at);
      const reason = error instanceof Error ? error.message : String(error);
      return { value: undefined, locate, diagnostics: [parseDiagnostic(file, position, reason, "JSON")] };
    }
  }
  const parsed = document();
  if (parsed.errors.length > 0) {
    const diagnostics = parsed.errors.map((error) => {
      const at = error.linePos?.[0];
      const position = at === undefined ? { line: 1, column: 1 } : toPosition(at);
      return parseDiagnostic(file, position, firstLine(error.message), "YAML");
    });
    return { value: undefined, locate, diagnostics };
  }
  positions = collectPositions(parsed);
  return { value: parsed.toJS({ maxAliasCount: 1000 }), locate, diagnostics: [] };
}

function toPosition(at: { line: number; col: number }): Position {
  return { line: at.line, column: at.col };
}

function parseDiagnostic(file: string, position: Position, reason: string, language: string): Diagnostic {
  return {
    code: "POSTBUS_SCHEMA_PARSE",
    message: `Invalid ${language}: ${reason}`,
    hint: `Fix the ${language} syntax at this line (a missing comma, quote or bracket is the usual cause)`,
    location: { file, pointer: "", line: position.line, column: position.column },
  };
}

function collectPositions(document: { contents: unknown }): Map<string, number> {
  const positions = new Map<string, number>();
  const visit = (node: unknown, pointer: string, at: number | undefined): void => {
    const start = at ?? rangeStart(node);
    if (start !== undefined && !positions.has(pointer)) positions.set(pointer, start);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, appendPointer(pointer, key), rangeStart(pair.key));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, appendPointer(pointer, index), undefined);
      });
    }
  };
  visit(document.contents, "", undefined);
  return positions;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range?.[0];
}

/**
 * The first key that appears twice in one object of (already valid) JSON text,
 * which `JSON.parse` silently resolves to the last one.
 */
function findDuplicateKey(text: string): { key: string; offset: number } | undefined {
  const objects: Set<string>[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "{") objects.push(new Set());
    else if (char === "}") objects.pop();
    else if (char === '"') {
      const start = index;
      for (index++; index < text.length && text[index] !== '"'; index++) if (text[index] === "\\") index++;
      const token = text.slice(start, index + 1);
      let next = index + 1;
      while (next < text.length && /\s/.test(text[next] ?? "")) next++;
      const keys = objects.at(-1);
      if (text[next] !== ":" || keys === undefined) continue;
      const key = token.includes("\\") ? JSON.stringify(JSON.parse(token)) : token;
      if (keys.has(key)) return { key, offset: start };
      keys.add(key);
    }
  }
  return undefined;
}

function offsetOf(error: unknown): number | undefined {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
