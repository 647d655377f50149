import { PostbusError, type PostbusErrorCode, PostbusInputError } from "../errors/postbus-error.js";
import { isPlainJson, isWellFormed, LONE_SURROGATE } from "./plain-json.js";

/**
 * Limits applied by {@link toCheckedJson}.
 *
 * @example
 * ```ts
 * const limits: JsonLimits = { ...DEFAULT_JSON_LIMITS, maxBytes: 64 * 1024 };
 * toCheckedJson(payload, { pointer: "/data" }, limits);
 * ```
 */
export interface JsonLimits {
  /**
   * Deepest allowed nesting of objects and arrays. The value passed in is at
   * depth 0 and every member of an object or array at depth `d` is at depth
   * `d + 1`. An object or array at depth `maxDepth` is accepted; one at depth
   * `maxDepth + 1` is rejected with `POSTBUS_JSON_TOO_DEEP`. Strings, numbers,
   * booleans and `null` never count: with `maxDepth: 0`, `{ "a": 1 }` is
   * accepted and `{ "a": {} }` is rejected. An integer from 0 to
   * {@link MAX_JSON_DEPTH}.
   */
  readonly maxDepth: number;
  /**
   * Largest allowed size of the JSON text, in UTF-8 bytes; a text of exactly
   * `maxBytes` bytes is accepted. A positive integer.
   */
  readonly maxBytes: number;
}

/**
 * The limits used when none are given: objects and arrays nested at most 64
 * levels below the top-level value (`maxDepth: 64`, so 65 levels of brackets),
 * and at most 1 MiB (1,048,576 bytes) of UTF-8 JSON text (`maxBytes`).
 *
 * @example
 * ```ts
 * toCheckedJson(payload, { pointer: "/data" }, { ...DEFAULT_JSON_LIMITS, maxDepth: 16 });
 * ```
 */
export const DEFAULT_JSON_LIMITS: JsonLimits = Object.freeze({ maxDepth: 64, maxBytes: 1_048_576 });

/**
 * Highest accepted {@link JsonLimits.maxDepth}. The check itself is
 * iterative, but `JSON.stringify` recurses once per level and runs out of
 * stack a few thousand levels down, so deeper limits are refused up front.
 *
 * @example
 * ```ts
 * const limits: JsonLimits = { ...DEFAULT_JSON_LIMITS, maxDepth: MAX_JSON_DEPTH };
 * ```
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Where the checked value sits, used to fill in the error's `subject`.
 *
 * @example
 * ```ts
 * const context: JsonCheckContext = { pointer: "/data", eventType: "order.placed", index: 2 };
 * ```
 */
export interface JsonCheckContext {
  /** RFC 6901 JSON pointer of the value itself, e.g. `"/data"`; `""` for a whole document. */
  readonly pointer: string;
  /** The event type being published, copied to `subject.eventType`. */
  readonly eventType?: string;
  /** Index of the event inside a `publishMany` batch, copied to `subject.index`. */
  readonly index?: number;
}

/**
 * Checks that `value` survives `JSON.stringify`, `JSON.parse` and a round
 * trip through a PostgreSQL `jsonb` column unchanged, and returns its JSON
 * text.
 *
 * Accepted: `null`, booleans, finite numbers (`-0` is written as `0`),
 * well-formed strings without U+0000, arrays without holes, and objects whose
 * prototype is `Object.prototype` or `null` and that have no `toJSON` method.
 * Only own enumerable string-keyed properties are read (as `JSON.stringify`
 * does); getters among them are called like any other property read, by the
 * check and again by `JSON.stringify`, so they should be pure. The same
 * object may appear several times as long as it is not its own ancestor.
 *
 * Rejected, with a {@link PostbusInputError} whose `subject.pointer` is the
 * RFC 6901 pointer of the offending spot (below `context.pointer`):
 * `POSTBUS_JSON_UNDEFINED`, `POSTBUS_JSON_FUNCTION`, `POSTBUS_JSON_SYMBOL`
 * (symbol values and enumerable symbol-keyed properties),
 * `POSTBUS_JSON_BIGINT`, `POSTBUS_JSON_NON_FINITE` (NaN, ±Infinity),
 * `POSTBUS_JSON_NOT_PLAIN` (Date, Map, Set, RegExp, Error, binary data, boxed
 * primitives, class instances, objects with `toJSON`),
 * `POSTBUS_JSON_CIRCULAR`, `POSTBUS_JSON_SPARSE_ARRAY`,
 * `POSTBUS_JSON_NUL_CHARACTER` and `POSTBUS_JSON_LONE_SURROGATE` (in values
 * and keys), `POSTBUS_JSON_FORBIDDEN_KEY` (`__proto__`, `constructor`,
 * `prototype`), `POSTBUS_JSON_TOO_DEEP` and `POSTBUS_JSON_TOO_LARGE` (see
 * {@link JsonLimits}). The first problem in `JSON.stringify` order is
 * reported. Invalid `limits` throw `POSTBUS_OPTIONS_INVALID`.
 *
 * @example
 * ```ts
 * const text = toCheckedJson({ total: 12.5, items: [] }, { pointer: "/data", eventType: "order.placed" });
 * // '{"total":12.5,"items":[]}'
 *
 * toCheckedJson({ at: new Date() }, { pointer: "/data" });
 * // throws PostbusInputError, code "POSTBUS_JSON_NOT_PLAIN", subject.pointer "/data/at"
 * ```
 */
export function toCheckedJson(
  value: unknown,
  context: JsonCheckContext,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): string {
  if (limits !== DEFAULT_JSON_LIMITS) checkLimits(limits, context);
  if (isPlainJson(value, limits.maxDepth, limits.maxBytes)) {
    let text: unknown;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    // A getter that answers differently the second time: the full walk reports it.
    if (typeof text === "string") return checkedSize(text, context, limits);
  }
  return walkCheckedJson(value, context, limits);
}

/**
 * {@link toCheckedJson} without its fast path: the full checking walk, which reports the first
 * problem with its pointer. For tests that hold the fast path to the same rules.
 *
 * @internal
 * @example
 * ```ts
 * walkCheckedJson({ a: 1 }, { pointer: "/data" }); // '{"a":1}'
 * ```
 */
export function walkCheckedJson(
  value: unknown,
  context: JsonCheckContext,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): string {
  const walker = new JsonWalker(context, limits);
  try {
    walker.walk(value);
  } catch (error) {
    // A getter, a Proxy trap or a toJSON lookup that threw: the value is not plain data.
    if (error instanceof PostbusError) throw error;
    throw walker.ranCode();
  }
  // The walk rejected everything JSON.stringify would drop, throw on or turn
  // into undefined, so this is a string — unless a getter answers differently the second time.
  let text: unknown;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (typeof text !== "string") throw walker.ranCode();
  return checkedSize(text, context, limits);
}

/** `text`, unless its UTF-8 size is over `limits.maxBytes`. */
function checkedSize(text: string, context: JsonCheckContext, limits: JsonLimits): string {
  // A well-formed UTF-16 code unit never takes more than 3 UTF-8 bytes.
  if (text.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > limits.maxBytes) {
      throw tooLarge(context, limits, `is ${bytes} bytes of JSON`);
    }
  }
  return text;
}

// ---------------------------------------------------------------------------

/** Objects nested deeper than this switch ancestor lookups from a scan to a Set. */
const ANCESTOR_SCAN_LIMIT = 32;

type Context = JsonCheckContext;

/**
 * One depth-first walk over the value, in the order JSON.stringify visits it.
 * The open objects and arrays are kept on three parallel stacks (the
 * container, its key list or `undefined` for arrays, and the index of the
 * member being visited), so the walk never recurses and the pointer of the
 * current spot can be rebuilt from the stacks when, and only when, an error
 * is reported.
 */
class JsonWalker {
  private readonly nodes: object[] = [];
  private readonly keyLists: (readonly string[] | undefined)[] = [];
  /** For each open container, one past the index of the member being visited. */
  private readonly positions: number[] = [];
  /** All open containers, once the nesting gets deep enough that scanning `nodes` gets slow. */
  private ancestors: Set<object> | undefined;
  /** A lower bound of the UTF-8 size of the JSON text, to give up early on huge values. */
  private minBytes = 0;

  constructor(
    private readonly context: Context,
    private readonly limits: JsonLimits,
  ) {}

  walk(root: unknown): void {
    const { nodes, keyLists, positions } = this;
    this.visit(root);
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const node = nodes[top]!;
      const keys = keyLists[top];
      const position = positions[top]!;
      let child: unknown;
      if (keys === undefined) {
        const array = node as readonly unknown[];
        if (position >= array.length) {
          this.pop();
          continue;
        }
        positions[top] = position + 1;
        child = array[position];
        if (child === undefined && !(position in array)) {
          throw this.error(
            "POSTBUS_JSON_SPARSE_ARRAY",
            `Array element ${this.where()} is a hole (a missing element), which JSON would turn into null`,
            "Fill the hole with null, or build the array without gaps (e.g. with push or map)",
          );
        }
      } else {
        if (position >= keys.length) {
          this.pop();
          continue;
        }
        positions[top] = position + 1;
        const key = keys[position]!;
        this.checkKey(key);
        child = (node as Readonly<Record<string, unknown>>)[key];
      }
      this.visit(child);
    }
  }

  private visit(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.minBytes += value.length + 2;
        this.checkString(value, "String");
        break;
      case "number":
        this.minBytes += 1;
        if (!Number.isFinite(value)) {
          throw this.error(
            "POSTBUS_JSON_NON_FINITE",
            `Value ${this.where()} is ${String(value)}, which JSON would turn into null`,
            "Send null or a string instead, or fix the computation that produced it",
          );
        }
        break;
      case "boolean":
        this.minBytes += 4;
        break;
      case "object":
        if (value === null) {
          this.minBytes += 4;
        } else {
          this.minBytes += 2;
          this.enter(value);
        }
        break;
      case "undefined":
        throw this.error(
          "POSTBUS_JSON_UNDEFINED",
          `Value ${this.where()} is undefined, which JSON would ${this.dropped()}`,
          "Use null, or leave the property out",
        );
      case "function":
        throw this.error(
          "POSTBUS_JSON_FUNCTION",
          `Value ${this.where()} is a function, which JSON would ${this.dropped()}`,
          "Remove it, or send the data it computes",
        );
      case "symbol":
        throw this.error(
          "POSTBUS_JSON_SYMBOL",
          `Value ${this.where()} is a symbol (${String(value)}), which JSON would ${this.dropped()}`,
          "Send a string instead, e.g. symbol.description",
        );
      case "bigint":
        throw this.error(
          "POSTBUS_JSON_BIGINT",
          `Value ${this.where()} is a bigint (${String(value)}n), which JSON cannot write`,
          "Send it as a string (value.toString()), or as a number if it is within Number.MAX_SAFE_INTEGER",
        );
    }
    if (this.minBytes > this.limits.maxBytes) {
      throw tooLarge(this.context, this.limits, `is at least ${this.minBytes} bytes of JSON`);
    }
  }

  /** Checks an object or array about to be walked, then pushes it on the stacks. */
  private enter(value: object): void {
    let keys: readonly string[] | undefined;
    if (Array.isArray(value)) {
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") throw this.hasToJson("Array");
    } else {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw this.notPlain(value, proto as object);
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") throw this.hasToJson("Object");
      const symbols = Object.getOwnPropertySymbols(value);
      for (const symbol of symbols) {
        if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
          throw this.error(
            "POSTBUS_JSON_SYMBOL",
            `Object ${this.where()} has a property keyed by ${String(symbol)}, which JSON would silently drop`,
            "Use a string key instead",
          );
        }
      }
      keys = Object.keys(value);
    }
    const { nodes } = this;
    if (this.ancestors === undefined ? nodes.includes(value) : this.ancestors.has(value)) {
      const ancestor = this.pointer(nodes.indexOf(value));
      throw this.error(
        "POSTBUS_JSON_CIRCULAR",
        `Value ${this.where()} is a circular reference to its ancestor at ${display(ancestor)}, which JSON cannot write`,
        "Remove the back-reference, e.g. refer to the parent by an id instead",
      );
    }
    const depth = nodes.length;
    if (depth > this.limits.maxDepth) {
      throw this.error(
        "POSTBUS_JSON_TOO_DEEP",
        `Value ${this.where()} is nested ${depth} levels deep, deeper than the limit of ${this.limits.maxDepth}`,
        "Flatten the structure, or raise maxDepth",
      );
    }
    if (this.ancestors !== undefined) {
      this.ancestors.add(value);
    } else if (depth >= ANCESTOR_SCAN_LIMIT) {
      this.ancestors = new Set(nodes).add(value);
    }
    nodes.push(value);
    this.keyLists.push(keys);
    this.positions.push(0);
  }

  private pop(): void {
    const node = this.nodes.pop();
    this.keyLists.pop();
    this.positions.pop();
    if (this.ancestors !== undefined && node !== undefined) this.ancestors.delete(node);
  }

  private checkKey(key: string): void {
    this.minBytes += key.length + 3;
    if (key === "__proto__" || key === "constructor" || key === "prototype") {
      throw this.error(
        "POSTBUS_JSON_FORBIDDEN_KEY",
        `Key "${key}" ${this.where()} is not allowed, because consumers that copy or merge objects could pollute prototypes with it`,
        "Rename the key",
      );
    }
    this.checkString(key, "Key");
  }

  private checkString(text: string, what: "String" | "Key"): void {
    if (text.includes("\u0000")) {
      throw this.error(
        "POSTBUS_JSON_NUL_CHARACTER",
        `${what} ${this.where()} contains a NUL character (U+0000), which PostgreSQL jsonb cannot store`,
        "Remove the NUL characters, or send binary data as base64",
      );
    }
    if (!isWellFormed(text)) {
      const index = text.search(LONE_SURROGATE);
      const unit = text.charCodeAt(index).toString(16).toUpperCase();
      throw this.error(
        "POSTBUS_JSON_LONE_SURROGATE",
        `${what} ${this.where()} contains a lone surrogate (U+${unit} at index ${index}), which is not valid Unicode and PostgreSQL jsonb rejects`,
        "Repair the string (e.g. with text.toWellFormed()), or send binary data as base64",
      );
    }
  }

  private notPlain(value: object, proto: object): PostbusInputError {
    const name = constructorName(proto);
    const a = name === undefined ? "an object with a custom prototype" : `a ${name} object`;
    let found: string;
    let hint: string;
    if (value instanceof Date) {
      found = `${a}, which JSON would turn into a string`;
      hint = "Send an ISO 8601 string instead, e.g. date.toISOString()";
    } else if (value instanceof Map) {
      found = `${a}, which JSON would turn into {}`;
      hint = "Send a plain object (Object.fromEntries(map)) or an array of entries ([...map]) instead";
    } else if (value instanceof Set) {
      found = `${a}, which JSON would turn into {}`;
      hint = "Send an array ([...set]) instead";
    } else if (value instanceof RegExp) {
      found = `${a}, which JSON would turn into {}`;
      hint = "Send its source as a string instead";
    } else if (value instanceof Error) {
      found = `${a}, which JSON would turn into {}`;
      hint = "Send the fields you need, e.g. error.message, as strings";
    } else if (
      ArrayBuffer.isView(value) ||
      value instanceof ArrayBuffer ||
      value instanceof SharedArrayBuffer
    ) {
      found = `${a} (binary data), which JSON would not write as bytes`;
      hint = "Encode binary data as a base64 string";
    } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      found = `a boxed ${name ?? "primitive"} object, which is not a plain JSON value`;
      hint = "Use the primitive value instead, e.g. value.valueOf()";
    } else {
      found =
        name === undefined
          ? `${a}, which JSON would write as a plain object and lose the prototype`
          : `an instance of ${name}, which JSON would write as a plain object and lose the prototype`;
      hint = "Send a plain object or array with the fields you need";
    }
    return this.error("POSTBUS_JSON_NOT_PLAIN", `Value ${this.where()} is ${found}`, hint);
  }

  private hasToJson(what: "Object" | "Array"): PostbusInputError {
    return this.error(
      "POSTBUS_JSON_NOT_PLAIN",
      `${what} ${this.where()} has a toJSON method, which would change what JSON writes`,
      "Call toJSON() yourself and send the result, or remove the method",
    );
  }

  /** How JSON.stringify loses the value being visited: in arrays it becomes null, elsewhere it vanishes. */
  private dropped(): string {
    const top = this.keyLists.length - 1;
    if (top < 0) return "not write at all";
    return this.keyLists[top] === undefined ? "turn into null" : "silently drop";
  }

  /** "at <pointer>" for the spot being visited. */
  private where(): string {
    return `at ${display(this.pointer(this.nodes.length))}`;
  }

  /** The pointer of the member being visited in the first `levels` open containers. */
  private pointer(levels: number): string {
    let pointer = this.context.pointer;
    for (let level = 0; level < levels; level++) {
      const keys = this.keyLists[level];
      const position = this.positions[level]! - 1;
      pointer += `/${keys === undefined ? String(position) : escapeKey(keys[position]!)}`;
    }
    return pointer;
  }

  /** The error for a value whose own code (a getter, a Proxy trap, toJSON) threw while it was read. */
  ranCode(): PostbusInputError {
    return this.error(
      "POSTBUS_JSON_NOT_PLAIN",
      `Value ${this.where()} ran code of its own that threw or changed while it was read (a getter, a Proxy or a toJSON), so it is not plain data`,
      "Send plain data: objects and arrays of strings, numbers, booleans and null",
    );
  }

  private error(code: PostbusErrorCode, message: string, hint: string): PostbusInputError {
    return inputError(code, message, hint, this.context, this.pointer(this.nodes.length));
  }
}

/**
 * Throws `POSTBUS_OPTIONS_INVALID` unless `maxDepth` is an integer from 0 to
 * {@link MAX_JSON_DEPTH} and `maxBytes` a positive integer.
 *
 * @example
 * ```ts
 * checkJsonLimits({ maxDepth: 16, maxBytes: 65_536 }); // fine
 * ```
 */
export function checkJsonLimits(limits: JsonLimits): void {
  checkLimits(limits, { pointer: "" });
}

function checkLimits(limits: JsonLimits, context: Context): void {
  const { maxDepth, maxBytes } = limits;
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_JSON_DEPTH) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `maxDepth must be an integer from 0 to ${MAX_JSON_DEPTH}, got ${String(maxDepth)}`,
      { subject: subjectOf(context, undefined, "limits.maxDepth"), hint: "Pass a smaller whole number" },
    );
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `maxBytes must be a positive integer, got ${String(maxBytes)}`,
      { subject: subjectOf(context, undefined, "limits.maxBytes"), hint: "Pass a whole number of bytes" },
    );
  }
}

function tooLarge(context: Context, limits: JsonLimits, size: string): PostbusInputError {
  return inputError(
    "POSTBUS_JSON_TOO_LARGE",
    `Value at ${display(context.pointer)} ${size}, over the limit of ${limits.maxBytes} bytes`,
    "Send less data per event, or store large content elsewhere and send a reference to it",
    context,
    context.pointer,
  );
}

function inputError(
  code: PostbusErrorCode,
  message: string,
  hint: string,
  context: Context,
  pointer: string,
): PostbusInputError {
  return new PostbusInputError(code, message, { subject: subjectOf(context, pointer, undefined), hint });
}

function subjectOf(context: Context, pointer: string | undefined, field: string | undefined) {
  const subject: { pointer?: string; field?: string; eventType?: string; index?: number } = {};
  if (pointer !== undefined) subject.pointer = pointer;
  if (field !== undefined) subject.field = field;
  if (context.eventType !== undefined) subject.eventType = context.eventType;
  if (context.index !== undefined) subject.index = context.index;
  return subject;
}

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1`. */
function escapeKey(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A pointer for a message: control characters and lone surrogates shown as \uXXXX, the root named. */
function display(pointer: string): string {
  if (pointer === "") return "the document root";
  return pointer.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\u0000-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

function constructorName(proto: object): string | undefined {
  try {
    const ctor: unknown = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor !== "function") return undefined;
    const name: unknown = ctor.name;
    // Object.create({}) inherits Object as its constructor; that is not a useful name.
    return typeof name === "string" && name !== "" && ctor !== Object ? name : undefined;
  } catch {
    return undefined;
  }
}
