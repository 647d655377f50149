/**
 * Whether two payload schemas — possibly of two sides, whose definitions may be named
 * differently — accept the same payloads by construction: the same keywords and data,
 * annotations aside, with `$ref`s compared by what they point at. Recursive definitions
 * are compared coinductively (a pair of definitions under comparison is assumed equal
 * until shown otherwise), and settled pairs are remembered, so comparing every event of
 * two large sides costs about one walk of each.
 */
import { isSchemaObject, LIST, MAP, SINGLE } from "../emit/walk-schema.js";
import type { NormalizedSchema } from "../ir/model.js";
import { ANNOTATIONS, type ContractSide, refName, sortedJson } from "./contract-side.js";

const SINGLE_KEYS: ReadonlySet<string> = new Set(SINGLE);
const LIST_KEYS: ReadonlySet<string> = new Set(LIST);
const MAP_KEYS: ReadonlySet<string> = new Set(MAP);

/** Equality of schemas of side `a` with schemas of side `b` (see the module comment). */
export class SchemaEquality {
  readonly #equal = new Set<string>();
  readonly #unequal = new Set<string>();
  readonly #pairs = new WeakMap<object, WeakMap<object, boolean>>();

  constructor(
    readonly a: ContractSide,
    readonly b: ContractSide,
  ) {}

  /** Whether `x` (of side a) and `y` (of side b) accept the same payloads by construction. */
  equal(x: NormalizedSchema, y: NormalizedSchema): boolean {
    const memo = isSchemaObject(x) && isSchemaObject(y) ? this.#pairs.get(x)?.get(y) : undefined;
    if (memo !== undefined) return memo;
    const assumed = new Set<string>();
    const result = this.#compare(x, y, assumed, 0);
    // Equality is a conjunction: a true result confirms every assumption made on the way.
    if (result) for (const key of assumed) this.#equal.add(key);
    if (isSchemaObject(x) && isSchemaObject(y)) {
      let inner = this.#pairs.get(x);
      if (inner === undefined) {
        inner = new WeakMap();
        this.#pairs.set(x, inner);
      }
      inner.set(y, result);
    }
    return result;
  }

  #compare(x: NormalizedSchema, y: NormalizedSchema, assumed: Set<string>, depth: number): boolean {
    if (depth > 256) return false;
    const xName = refOnly(x);
    const yName = refOnly(y);
    if (xName !== undefined && yName !== undefined) {
      const key = `${xName}\u0000${yName}`;
      if (this.#equal.has(key) || assumed.has(key)) return true;
      if (this.#unequal.has(key)) return false;
      assumed.add(key);
      const result = this.#compare(
        this.#target(this.a, xName),
        this.#target(this.b, yName),
        assumed,
        depth + 1,
      );
      if (!result) this.#unequal.add(key);
      return result;
    }
    if (xName !== undefined) return this.#compare(this.#target(this.a, xName), y, assumed, depth + 1);
    if (yName !== undefined) return this.#compare(x, this.#target(this.b, yName), assumed, depth + 1);
    if (!isSchemaObject(x) || !isSchemaObject(y)) return x === y;
    const xKeys = Object.keys(x)
      .filter((key) => !ANNOTATIONS.has(key))
      .sort();
    const yKeys = Object.keys(y)
      .filter((key) => !ANNOTATIONS.has(key))
      .sort();
    if (xKeys.length !== yKeys.length || xKeys.some((key, index) => key !== yKeys[index])) return false;
    for (const key of xKeys) {
      const xValue = x[key];
      const yValue = y[key];
      if (key === "$ref") {
        if (xValue !== yValue) return false;
      } else if (SINGLE_KEYS.has(key)) {
        if (!this.#compare(xValue as NormalizedSchema, yValue as NormalizedSchema, assumed, depth + 1))
          return false;
      } else if (LIST_KEYS.has(key) && Array.isArray(xValue) && Array.isArray(yValue)) {
        if (xValue.length !== yValue.length) return false;
        for (let index = 0; index < xValue.length; index++) {
          if (!this.#compare(xValue[index], yValue[index], assumed, depth + 1)) return false;
        }
      } else if (MAP_KEYS.has(key) && isSchemaObject(xValue) && isSchemaObject(yValue)) {
        const names = Object.keys(xValue).sort();
        const otherNames = Object.keys(yValue).sort();
        if (names.length !== otherNames.length || names.some((name, index) => name !== otherNames[index]))
          return false;
        for (const name of names) {
          if (
            !this.#compare(
              xValue[name] as NormalizedSchema,
              yValue[name] as NormalizedSchema,
              assumed,
              depth + 1,
            )
          )
            return false;
        }
      } else if (sortedJson(xValue) !== sortedJson(yValue)) {
        return false;
      }
    }
    return true;
  }

  #target(side: ContractSide, name: string): NormalizedSchema {
    return side.definitions.get(name)?.schema ?? { $ref: `#/$defs/${name}`, $missing: true };
  }
}

const equalities = new WeakMap<ContractSide, WeakMap<ContractSide, SchemaEquality>>();

/** The (shared, memoizing) {@link SchemaEquality} of sides `a` and `b`. */
export function equalityOf(a: ContractSide, b: ContractSide): SchemaEquality {
  let inner = equalities.get(a);
  if (inner === undefined) {
    inner = new WeakMap();
    equalities.set(a, inner);
  }
  let found = inner.get(b);
  if (found === undefined) {
    found = new SchemaEquality(a, b);
    inner.set(b, found);
  }
  return found;
}

/** The definition a schema is only a reference to (annotations aside), or `undefined`. */
function refOnly(schema: NormalizedSchema): string | undefined {
  const name = refName(schema);
  if (name === undefined || !isSchemaObject(schema)) return undefined;
  return Object.keys(schema).every((key) => key === "$ref" || ANNOTATIONS.has(key)) ? name : undefined;
}
