/**
 * The compatibility rules: does every instance valid under schema A also validate
 * under schema B (A ⊆ B)? BACKWARD asks it with A = old, B = new (a consumer on the new
 * contract reads what was written under the old one); FORWARD with A = new, B = old.
 *
 * The rules walk both schemas side by side, keyword class by keyword class, and report
 * a {@link Gap} wherever B may reject what A accepts. A gap carries *edits*: small
 * changes to a valid instance of A meant to produce a counterexample; the caller turns
 * them into payloads and proves each with ajv. Where no rule can decide (two different
 * regular expressions, a `not`, changed `if`/`then`), the gap says so (`decidable:
 * false`); nothing is ever passed silently. Sound in one direction: no gap means A ⊆ B
 * for the keywords the rules know, and any other keyword that differs is a gap.
 */
import { isSchemaObject } from "../emit/walk-schema.js";
import type { NormalizedSchema } from "../ir/model.js";
import { isObject } from "../load/json-pointer.js";
import { ANNOTATIONS, type ContractSide, refName, type Site, siteAt, sortedJson } from "./contract-side.js";
import { equalityOf } from "./schema-equality.js";
import {
  allowedTypes,
  dereference,
  type JsonType,
  matches,
  synthesize,
  synthesizeAs,
  withoutKeyword,
} from "./synthesize.js";

/** A path into an instance: property names and array indexes. */
export type InstancePath = readonly (string | number)[];

/** One change to a valid instance of A: set a value at a path, or remove the key there. */
export type Edit =
  | { readonly path: InstancePath; readonly set: unknown }
  | { readonly path: InstancePath; readonly remove: true };

/** Stable names of the rules, as `postbus check` reports them (see docs/compatibility.md). */
export type RuleId =
  | "type-narrowed"
  | "integer-required"
  | "enum-narrowed"
  | "value-rejected"
  | "const-changed"
  | "bound-tightened"
  | "multiple-of-changed"
  | "pattern-changed"
  | "format-changed"
  | "required-added"
  | "property-removed-closed"
  | "property-added-open"
  | "additional-properties-closed"
  | "unique-items-added"
  | "branch-removed"
  | "branches-may-overlap"
  | "schema-false"
  | "keyword-changed"
  | "too-deep";

/** Where B may reject an instance of A. */
export interface Gap {
  readonly rule: RuleId;
  /** What changed, old → new in the caller's words (A and B are named by the caller). */
  readonly change: string;
  /** `false`: no rule decides this; the caller reports it as "cannot prove" unless a counterexample is found. */
  readonly decidable: boolean;
  readonly a: Site;
  readonly b: Site;
  readonly path: InstancePath;
  /** The schemas of A along the path (root first), to build the missing containers of a counterexample. */
  readonly chain: readonly NormalizedSchema[];
  readonly edits: readonly Edit[];
  /** The edits cover every instance A accepts here: if none is a counterexample, there is no gap. */
  readonly exhaustive?: boolean;
}

/** Values tried where A accepts anything at a place and B does not. */
const ANY_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  0.5,
  -1,
  "",
  "postbus-counterexample",
  [],
  {},
  [null],
  { a: 1 },
];

/** The fresh property name used to probe `additionalProperties`. */
export const EXTRA_PROPERTY = "postbusUndeclaredProperty";

const MAX_DEPTH = 48;

interface Walk {
  readonly a: NormalizedSchema;
  readonly b: NormalizedSchema;
  readonly aSite: Site;
  readonly bSite: Site;
  readonly path: InstancePath;
  readonly chain: readonly NormalizedSchema[];
  readonly depth: number;
}

/**
 * The gaps of A ⊆ B for the schemas `a` (of side `sideA`) and `b` (of `sideB`), starting
 * at the sites given. Empty: every instance valid under `a` is valid under `b`.
 */
export function findGaps(
  sideA: ContractSide,
  a: NormalizedSchema,
  aSite: Site,
  sideB: ContractSide,
  b: NormalizedSchema,
  bSite: Site,
): Gap[] {
  const gaps: Gap[] = [];
  new Checker(sideA, sideB, gaps).include({ a, b, aSite, bSite, path: [], chain: [a], depth: 0 });
  return gaps;
}

class Checker {
  readonly #seen = new Set<string>();

  constructor(
    readonly sideA: ContractSide,
    readonly sideB: ContractSide,
    readonly gaps: Gap[],
  ) {}

  /** Whether `a ⊆ b` holds with no gap, without reporting (trial runs for `anyOf` branches). */
  holds(walk: Walk): boolean {
    const trial = new Checker(this.sideA, this.sideB, []);
    trial.include(walk);
    return trial.gaps.length === 0;
  }

  gap(
    walk: Walk,
    rule: RuleId,
    change: string,
    edits: readonly Edit[],
    decidable = true,
    bSite = walk.bSite,
  ): void {
    this.gaps.push({
      rule,
      change,
      decidable,
      a: walk.aSite,
      b: bSite,
      path: walk.path,
      chain: walk.chain,
      edits,
    });
  }

  include(walk: Walk): void {
    if (walk.depth > MAX_DEPTH) {
      this.gap(walk, "too-deep", "the schemas nest deeper than the checker follows", [], false);
      return;
    }
    const aName = refName(walk.a);
    const bName = refName(walk.b);
    if (aName !== undefined || bName !== undefined) {
      const key = `${aName ?? identity(walk.a)}|${bName ?? identity(walk.b)}|${walk.path.length > 0 ? "in" : "root"}`;
      if (this.#seen.has(key)) return; // a recursive pair: assumed to hold, as the rest of the walk decides
      this.#seen.add(key);
    }
    const a = dereference(this.sideA, walk.a);
    const b = dereference(this.sideB, walk.b);
    const aSite = aName === undefined ? walk.aSite : (this.sideA.definitions.get(aName)?.site ?? walk.aSite);
    const bSite = bName === undefined ? walk.bSite : (this.sideB.definitions.get(bName)?.site ?? walk.bSite);
    const here: Walk = { ...walk, a, b, aSite, bSite, chain: [...walk.chain.slice(0, -1), a] };

    if (b === true || (isSchemaObject(b) && isUnconstrained(b))) return;
    if (a === false) return;
    if (isSchemaObject(a) && isSchemaObject(b) && equalityOf(this.sideA, this.sideB).equal(a, b)) return;
    if (b === false) {
      this.gap(here, "schema-false", "accepts nothing (false)", [
        { path: here.path, set: synthesize(this.sideA, a) },
      ]);
      return;
    }
    const aObj = a === true ? {} : (a as Record<string, unknown>);
    const bObj = b as Record<string, unknown>;
    if (this.combinators(here, aObj, bObj)) return;
    if (this.finite(here, aObj, bObj)) return;
    this.types(here, aObj, bObj);
    this.values(here, aObj, bObj);
    this.numbers(here, aObj, bObj);
    this.strings(here, aObj, bObj);
    this.objects(here, aObj, bObj);
    this.arrays(here, aObj, bObj);
    this.others(here, aObj, bObj);
  }

  child(
    walk: Walk,
    a: unknown,
    b: unknown,
    aKeys: readonly (string | number)[],
    bKeys: readonly (string | number)[],
    step?: string | number,
  ): Walk {
    const aSchema = (a ?? true) as NormalizedSchema;
    return {
      a: aSchema,
      b: (b ?? true) as NormalizedSchema,
      aSite: siteAt(walk.aSite, ...aKeys),
      bSite: siteAt(walk.bSite, ...bKeys),
      path: step === undefined ? walk.path : [...walk.path, step],
      chain: step === undefined ? [...walk.chain.slice(0, -1), aSchema] : [...walk.chain, aSchema],
      depth: walk.depth + 1,
    };
  }

  /** `allOf`, `anyOf`, `oneOf`; returns true when it decided the whole pair. */
  combinators(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    // B's conjuncts each have to hold for every instance of A.
    if (Array.isArray(b.allOf)) {
      const same = Array.isArray(a.allOf) && a.allOf.length === b.allOf.length;
      b.allOf.forEach((part, index) => {
        const aPart = same ? (a.allOf as unknown[])[index] : a;
        const aKeys = same ? ["allOf", index] : [];
        this.include(this.child(walk, aPart, part, aKeys, ["allOf", index]));
      });
      const rest = withoutKeyword(b, "allOf");
      if (!isUnconstrained(rest)) this.include({ ...walk, b: rest, depth: walk.depth + 1 });
      return true;
    }
    // A's conjuncts: A is at most as wide as their merge.
    if (Array.isArray(a.allOf)) {
      this.include({ ...walk, a: mergeConjuncts(this.sideA, a), depth: walk.depth + 1 });
      return true;
    }
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const aBranches = a[keyword];
      if (Array.isArray(aBranches)) {
        // Every branch of A (with A's other keywords) must fit in B.
        const rest = withoutKeyword(a, keyword);
        aBranches.forEach((branch, index) => {
          const merged = isUnconstrained(rest) ? branch : { allOf: [rest, branch] };
          this.include(this.child(walk, merged, b, [keyword, index], []));
        });
        return true;
      }
    }
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const bBranches = b[keyword];
      if (!Array.isArray(bBranches)) continue;
      const rest = withoutKeyword(b, keyword);
      if (!isUnconstrained(rest)) this.include({ ...walk, b: rest, depth: walk.depth + 1 });
      const fitting = bBranches.findIndex((branch, index) =>
        this.holds(this.child(walk, a, branch, [], [keyword, index])),
      );
      if (fitting < 0) {
        this.gap(
          walk,
          "branch-removed",
          `no branch of ${keyword} accepts every value the other side accepts`,
          [{ path: walk.path, set: synthesize(this.sideA, a) }],
        );
      } else if (keyword === "oneOf" && bBranches.length > 1 && !discriminated(this.sideB, bBranches)) {
        this.gap(
          walk,
          "branches-may-overlap",
          "oneOf requires exactly one branch to match, and its branches are not told apart by a const or a type",
          [{ path: walk.path, set: synthesize(this.sideA, a) }],
          false,
        );
      }
      return true;
    }
    return false;
  }

  /**
   * A that accepts a list of values (`const`, `enum`): B is checked on each value, and
   * the gap is exhaustive — when none of them is rejected, there is no gap.
   */
  finite(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    const values = Object.hasOwn(a, "const") ? [a.const] : Array.isArray(a.enum) ? a.enum : undefined;
    if (values === undefined) return false;
    const allowed = Object.hasOwn(b, "const") ? [b.const] : Array.isArray(b.enum) ? b.enum : undefined;
    const rejected =
      allowed === undefined
        ? values
        : values.filter((value) => !allowed.some((item) => sortedJson(item) === sortedJson(value)));
    if (allowed !== undefined && rejected.length > 0) {
      const keyword = Object.hasOwn(b, "const") ? "const" : "enum";
      this.gap(
        walk,
        keyword === "const" ? "const-changed" : "enum-narrowed",
        `${keyword} no longer accepts ${rejected.map((value) => JSON.stringify(value)).join(", ")}`,
        rejected.map((value) => ({ path: walk.path, set: value })),
        true,
        siteAt(walk.bSite, keyword),
      );
      return true;
    }
    const rest = Object.keys(b).filter((key) => key !== "const" && key !== "enum" && !ANNOTATIONS.has(key));
    if (rest.length > 0) {
      this.gaps.push({
        rule: "value-rejected",
        change: `the values ${values.map((value) => JSON.stringify(value)).join(", ")} checked against ${rest.join(", ")}`,
        decidable: true,
        exhaustive: true,
        a: walk.aSite,
        b: walk.bSite,
        path: walk.path,
        chain: walk.chain,
        edits: values.map((value) => ({ path: walk.path, set: value })),
      });
    }
    return true;
  }

  types(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    if (b.type === undefined) return;
    const bTypes = allowedTypes(b);
    for (const type of allowedTypes(a)) {
      if (bTypes.includes(type) || (type === "integer" && bTypes.includes("number"))) continue;
      if (type === "number" && bTypes.includes("integer")) {
        this.gap(
          walk,
          "integer-required",
          "number → integer",
          [{ path: walk.path, set: nonInteger(a) }],
          true,
          siteAt(walk.bSite, "type"),
        );
        continue;
      }
      this.gap(
        walk,
        "type-narrowed",
        `type ${describeTypes(a)} → ${describeTypes(b)} (${type} no longer accepted)`,
        [
          {
            path: walk.path,
            set:
              a.type === undefined
                ? ANY_VALUES.find((value) => jsonType(value) === type)
                : synthesizeAs(this.sideA, a, type),
          },
        ],
        true,
        siteAt(walk.bSite, "type"),
      );
    }
  }

  /** B lists its values (`const`, `enum`) where A accepted more. */
  values(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    for (const keyword of ["const", "enum"] as const) {
      if (!Object.hasOwn(b, keyword)) continue;
      const allowed = keyword === "const" ? [b.const] : (b.enum as unknown[]);
      const base = synthesize(this.sideA, a);
      const trials = [base, ...variantsOf(base), ...ANY_VALUES].filter(
        (value) => !allowed.some((item) => sortedJson(item) === sortedJson(value)),
      );
      this.gap(
        walk,
        keyword === "const" ? "const-changed" : "enum-narrowed",
        `${keyword} ${JSON.stringify(keyword === "const" ? b.const : b.enum)} added`,
        trials.map((value) => ({ path: walk.path, set: value })),
        true,
        siteAt(walk.bSite, keyword),
      );
    }
  }

  numbers(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    const aTypes = allowedTypes(a);
    if (!aTypes.includes("number") && !aTypes.includes("integer")) return;
    if (Object.hasOwn(a, "const") || Array.isArray(a.enum)) return;
    const integer = !aTypes.includes("number");
    const bound = (
      keyword: string,
      tighter: (aValue: number, bValue: number) => boolean,
      probe: (bValue: number) => number[],
    ) => {
      const bValue = b[keyword];
      if (typeof bValue !== "number") return;
      const aValue = effectiveBound(a, keyword);
      if (aValue !== undefined && !tighter(aValue, bValue)) return;
      const candidates = probe(bValue).map((value) => (integer ? Math.round(value) : value));
      this.gap(
        walk,
        "bound-tightened",
        `${keyword} ${aValue ?? "none"} → ${bValue}`,
        candidates.map((value) => ({ path: walk.path, set: value })),
        true,
        siteAt(walk.bSite, keyword),
      );
    };
    bound(
      "minimum",
      (x, y) => y > x,
      (y) => [y - 1, y - 0.5, ...(typeof a.minimum === "number" ? [a.minimum] : [])],
    );
    bound(
      "exclusiveMinimum",
      (x, y) => y > x,
      (y) => [y, y - 1, ...(typeof a.minimum === "number" ? [a.minimum] : [])],
    );
    bound(
      "maximum",
      (x, y) => y < x,
      (y) => [y + 1, y + 0.5, ...(typeof a.maximum === "number" ? [a.maximum] : [])],
    );
    bound(
      "exclusiveMaximum",
      (x, y) => y < x,
      (y) => [y, y + 1, ...(typeof a.maximum === "number" ? [a.maximum] : [])],
    );
    const m = b.multipleOf;
    if (typeof m === "number") {
      const aStep = typeof a.multipleOf === "number" ? a.multipleOf : integer ? 1 : undefined;
      const divides = aStep !== undefined && Number.isInteger(Math.round((aStep / m) * 1e9) / 1e9);
      if (!divides) {
        const step = aStep ?? m / 2;
        const start = synthesizeAs(this.sideA, a, integer ? "integer" : "number") as number;
        const candidates = [1, 2, 3, 5, 7].map((k) => start + k * step);
        this.gap(
          walk,
          "multiple-of-changed",
          `multipleOf ${a.multipleOf ?? "none"} → ${m}`,
          candidates.map((value) => ({ path: walk.path, set: value })),
          true,
          siteAt(walk.bSite, "multipleOf"),
        );
      }
    }
  }

  strings(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    if (!allowedTypes(a).includes("string") || Object.hasOwn(a, "const") || Array.isArray(a.enum)) return;
    const base = synthesizeAs(this.sideA, a, "string") as string;
    const aMin = typeof a.minLength === "number" ? a.minLength : 0;
    const aMax = typeof a.maxLength === "number" ? a.maxLength : Infinity;
    if (typeof b.minLength === "number" && b.minLength > aMin) {
      const length = Math.max(aMin, b.minLength - 1);
      this.gap(
        walk,
        "bound-tightened",
        `minLength ${a.minLength ?? "none"} → ${b.minLength}`,
        [{ path: walk.path, set: resize(base, length) }],
        true,
        siteAt(walk.bSite, "minLength"),
      );
    }
    if (typeof b.maxLength === "number" && b.maxLength < aMax) {
      this.gap(
        walk,
        "bound-tightened",
        `maxLength ${a.maxLength ?? "none"} → ${b.maxLength}`,
        [{ path: walk.path, set: resize(base, b.maxLength + 1) }],
        true,
        siteAt(walk.bSite, "maxLength"),
      );
    }
    if (typeof b.pattern === "string" && b.pattern !== a.pattern) {
      const trials = [base, ...stringTrials(a)].filter(
        (text) => matches(a.pattern, text) && !matches(b.pattern, text),
      );
      this.gap(
        walk,
        "pattern-changed",
        `pattern ${a.pattern === undefined ? "none" : JSON.stringify(a.pattern)} → ${JSON.stringify(b.pattern)}`,
        trials.map((text) => ({ path: walk.path, set: text })),
        a.pattern === undefined,
        siteAt(walk.bSite, "pattern"),
      );
    }
    if (typeof b.format === "string" && b.format !== a.format) {
      const trials = [base, ...stringTrials(a), `not-a-${b.format}`];
      this.gap(
        walk,
        "format-changed",
        `format ${a.format ?? "none"} → ${b.format}`,
        trials.map((text) => ({ path: walk.path, set: text })),
        true,
        siteAt(walk.bSite, "format"),
      );
    }
  }

  objects(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    if (!allowedTypes(a).includes("object")) return;
    const aProps = (isObject(a.properties) ? a.properties : {}) as Record<string, NormalizedSchema>;
    const bProps = (isObject(b.properties) ? b.properties : {}) as Record<string, NormalizedSchema>;
    const aRequired = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    const aExtra = (a.additionalProperties ?? true) as NormalizedSchema;
    const bExtra = (b.additionalProperties ?? true) as NormalizedSchema;
    const patterned = a.patternProperties !== undefined || b.patternProperties !== undefined;
    for (const key of Array.isArray(b.required) ? (b.required as string[]) : []) {
      if (aRequired.has(key)) continue;
      this.gap(
        walk,
        "required-added",
        `"${key}" is now required`,
        [{ path: [...walk.path, key], remove: true }],
        true,
        siteAt(walk.bSite, "required"),
      );
    }
    const keys = [...new Set([...Object.keys(aProps), ...Object.keys(bProps)])].sort();
    for (const key of keys) {
      const inA = Object.hasOwn(aProps, key);
      const inB = Object.hasOwn(bProps, key);
      const aSchema = inA ? aProps[key] : aExtra;
      const bSchema = inB ? bProps[key] : bExtra;
      const aKeys = inA ? ["properties", key] : ["additionalProperties"];
      const bKeys = inB ? ["properties", key] : ["additionalProperties"];
      if (!inA && (aSchema === false || patterned)) continue;
      if (inA && !inB && bSchema === false) {
        this.gap(
          this.child(walk, aSchema, bSchema, aKeys, bKeys, key),
          "property-removed-closed",
          `"${key}" removed from an object that allows no other properties`,
          [{ path: [...walk.path, key], set: synthesize(this.sideA, aSchema as NormalizedSchema) }],
          true,
          siteAt(walk.bSite, "additionalProperties"),
        );
        continue;
      }
      if (!inA && inB) {
        const before = this.gaps.length;
        this.include(this.child(walk, aSchema, bSchema, aKeys, bKeys, key));
        // Re-label: the property was added where the other side accepted any value under that name.
        for (let index = before; index < this.gaps.length; index++) {
          const found = this.gaps[index] as Gap;
          if (found.path.length === walk.path.length + 1 && found.rule === "type-narrowed") {
            this.gaps[index] = {
              ...found,
              rule: "property-added-open",
              change: `"${key}" added to an object that accepts other properties (${found.change})`,
            };
          }
        }
        continue;
      }
      if (!inA && !inB) continue;
      this.include(this.child(walk, aSchema, bSchema, aKeys, bKeys, key));
    }
    if (!patterned && aExtra !== false) {
      if (bExtra === false) {
        this.gap(
          walk,
          "additional-properties-closed",
          "additionalProperties true → false",
          [{ path: [...walk.path, EXTRA_PROPERTY], set: synthesize(this.sideA, aExtra) }],
          true,
          siteAt(walk.bSite, "additionalProperties"),
        );
      } else if (bExtra !== true) {
        this.include(
          this.child(
            walk,
            aExtra,
            bExtra,
            ["additionalProperties"],
            ["additionalProperties"],
            EXTRA_PROPERTY,
          ),
        );
      }
    }
    this.counts(walk, a, b, "minProperties", "maxProperties");
  }

  arrays(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    if (!allowedTypes(a).includes("array")) return;
    const aPrefix = Array.isArray(a.prefixItems) ? a.prefixItems : [];
    const bPrefix = Array.isArray(b.prefixItems) ? b.prefixItems : [];
    const length = Math.max(aPrefix.length, bPrefix.length);
    for (let index = 0; index <= length; index++) {
      const aHas = index < aPrefix.length;
      const bHas = index < bPrefix.length;
      const aItem = aHas ? aPrefix[index] : (a.items ?? true);
      const bItem = bHas ? bPrefix[index] : (b.items ?? true);
      if (aItem === false) break;
      this.include(
        this.child(
          walk,
          aItem,
          bItem,
          aHas ? ["prefixItems", index] : ["items"],
          bHas ? ["prefixItems", index] : ["items"],
          index,
        ),
      );
    }
    if (b.uniqueItems === true && a.uniqueItems !== true) {
      const item = synthesize(this.sideA, (aPrefix[0] ?? a.items ?? true) as NormalizedSchema);
      this.gap(
        walk,
        "unique-items-added",
        "uniqueItems false → true",
        [{ path: walk.path, set: [item, item] }],
        true,
        siteAt(walk.bSite, "uniqueItems"),
      );
    }
    this.counts(walk, a, b, "minItems", "maxItems");
  }

  /** `minItems`/`maxItems`, `minProperties`/`maxProperties`. */
  counts(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>, min: string, max: string): void {
    const aMin = typeof a[min] === "number" ? (a[min] as number) : 0;
    const aMax = typeof a[max] === "number" ? (a[max] as number) : Infinity;
    const bMin = b[min];
    const bMax = b[max];
    const items = min === "minItems";
    const base = synthesize(this.sideA, a);
    if (typeof bMin === "number" && bMin > aMin) {
      const edits =
        items && Array.isArray(base)
          ? [{ path: walk.path, set: base.slice(0, Math.max(aMin, bMin - 1)) }]
          : [];
      this.gap(
        walk,
        "bound-tightened",
        `${min} ${a[min] ?? "none"} → ${bMin}`,
        edits,
        items,
        siteAt(walk.bSite, min),
      );
    }
    if (typeof bMax === "number" && bMax < aMax) {
      const edits =
        items && Array.isArray(base)
          ? [
              {
                path: walk.path,
                set: Array.from(
                  { length: bMax + 1 },
                  (_, index) =>
                    base[index % Math.max(1, base.length)] ??
                    synthesize(this.sideA, (a.items ?? true) as NormalizedSchema),
                ),
              },
            ]
          : [];
      this.gap(
        walk,
        "bound-tightened",
        `${max} ${a[max] ?? "none"} → ${bMax}`,
        edits,
        items,
        siteAt(walk.bSite, max),
      );
    }
  }

  /** Keywords no rule above decides: equal on both sides, absent from B, or a gap that cannot be decided. */
  others(walk: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
    for (const keyword of Object.keys(b)) {
      if (HANDLED.has(keyword) || ANNOTATIONS.has(keyword)) continue;
      if (Object.hasOwn(a, keyword) && sortedJson(a[keyword]) === sortedJson(b[keyword])) continue;
      const edits: Edit[] = [
        { path: walk.path, set: synthesize(this.sideA, a) },
        ...ANY_VALUES.map((value) => ({ path: walk.path, set: value })),
      ];
      this.gap(
        walk,
        "keyword-changed",
        `${keyword} ${Object.hasOwn(a, keyword) ? "changed" : "added"}`,
        edits,
        false,
        siteAt(walk.bSite, keyword),
      );
    }
  }
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/** A number naming a schema object (or the boolean schema) for the set of pairs under comparison. */
function identity(schema: NormalizedSchema): string {
  if (typeof schema === "boolean") return String(schema);
  let id = identities.get(schema);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(schema, id);
  }
  return `#${id}`;
}

/** Keywords the rules above decide. */
const HANDLED = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "properties",
  "required",
  "additionalProperties",
  "minProperties",
  "maxProperties",
  "items",
  "prefixItems",
  "uniqueItems",
  "minItems",
  "maxItems",
  "allOf",
  "anyOf",
  "oneOf",
]);

function isUnconstrained(schema: NormalizedSchema): boolean {
  if (schema === true) return true;
  if (!isSchemaObject(schema)) return false;
  return Object.keys(schema).every((key) => ANNOTATIONS.has(key));
}

/**
 * The conjuncts of an `allOf` merged into one schema that accepts at least what they
 * all accept: properties joined (a property in two conjuncts keeps both as an `allOf`),
 * `required` united, `type`s intersected, bounds the tightest; `additionalProperties`
 * kept only from the one conjunct that declares properties (otherwise dropped, which
 * only widens). Sound for "compatible": the merge is never narrower than the original.
 */
function mergeConjuncts(side: ContractSide, schema: Record<string, unknown>): NormalizedSchema {
  const parts = [withoutKeyword(schema, "allOf"), ...(schema.allOf as NormalizedSchema[])].map((part) =>
    dereference(side, part),
  );
  if (parts.some((part) => part === false)) return false;
  const objects = parts.filter(isSchemaObject) as Record<string, unknown>[];
  const merged: Record<string, unknown> = {};
  const properties: Record<string, NormalizedSchema> = {};
  const required = new Set<string>();
  let types: JsonType[] | undefined;
  const declaring = objects.filter((part) => isObject(part.properties));
  for (const part of objects) {
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isObject(value)) {
        for (const [name, property] of Object.entries(value)) {
          properties[name] = Object.hasOwn(properties, name)
            ? { allOf: [properties[name], property] }
            : (property as NormalizedSchema);
        }
      } else if (key === "required" && Array.isArray(value)) {
        for (const name of value) required.add(name as string);
      } else if (key === "type") {
        const own = allowedTypes(part);
        types =
          types === undefined
            ? own
            : types.filter((type) => own.includes(type) || (type === "integer" && own.includes("number")));
      } else if (key === "additionalProperties") {
        if (declaring.length <= 1) merged[key] = value;
      } else if (["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"].includes(key)) {
        merged[key] =
          typeof merged[key] === "number" ? Math.max(merged[key] as number, value as number) : value;
      } else if (["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"].includes(key)) {
        merged[key] =
          typeof merged[key] === "number" ? Math.min(merged[key] as number, value as number) : value;
      } else if (!Object.hasOwn(merged, key)) {
        merged[key] = value;
      }
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required].sort();
  if (types !== undefined) merged.type = types;
  return merged;
}

/** Whether every `oneOf` branch is told apart from the others by `type` or by a `const`/`enum` property. */
function discriminated(side: ContractSide, branches: readonly unknown[]): boolean {
  const resolved = branches.map((branch) => dereference(side, branch as NormalizedSchema));
  if (!resolved.every(isSchemaObject)) return false;
  const objects = resolved as Record<string, unknown>[];
  const typeSets = objects.map((branch) => (branch.type === undefined ? undefined : allowedTypes(branch)));
  if (typeSets.every((set) => set !== undefined)) {
    const all = typeSets.flat();
    if (new Set(all).size === all.length && !(all.includes("integer") && all.includes("number"))) return true;
  }
  const first = objects[0];
  const candidates = isObject(first?.properties) ? Object.keys(first.properties) : [];
  return candidates.some((key) => {
    const seen = new Set<string>();
    return objects.every((branch) => {
      const property = isObject(branch.properties)
        ? dereference(side, branch.properties[key] as NormalizedSchema)
        : undefined;
      const required = Array.isArray(branch.required) && branch.required.includes(key);
      if (!required || !isSchemaObject(property)) return false;
      const values = Object.hasOwn(property, "const")
        ? [property.const]
        : Array.isArray(property.enum)
          ? property.enum
          : undefined;
      if (values === undefined) return false;
      return values.every((value) => {
        const text = sortedJson(value);
        if (seen.has(text)) return false;
        seen.add(text);
        return true;
      });
    });
  });
}

function effectiveBound(schema: Record<string, unknown>, keyword: string): number | undefined {
  const value = schema[keyword];
  const twin = {
    minimum: "exclusiveMinimum",
    exclusiveMinimum: "minimum",
    maximum: "exclusiveMaximum",
    exclusiveMaximum: "maximum",
  }[keyword];
  const other = twin === undefined ? undefined : schema[twin];
  if (typeof value === "number") return value;
  if (typeof other === "number") return other;
  return undefined;
}

function nonInteger(schema: Record<string, unknown>): number {
  const start =
    typeof schema.minimum === "number"
      ? schema.minimum
      : typeof schema.exclusiveMinimum === "number"
        ? schema.exclusiveMinimum
        : 0;
  return Math.floor(start) + 0.5;
}

function describeTypes(schema: Record<string, unknown>): string {
  if (schema.type === undefined) return "any";
  return Array.isArray(schema.type) ? schema.type.join("|") : String(schema.type);
}

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

/** `text` cut or grown to `length` characters; it grows by repeating its last character, which keeps most patterns matching. */
function resize(text: string, length: number): string {
  const chars = [...text];
  if (chars.length >= length) return chars.slice(0, length).join("");
  return text + (chars.at(-1) ?? "a").repeat(length - chars.length);
}

function stringTrials(schema: Record<string, unknown>): string[] {
  const own = Array.isArray(schema.examples)
    ? schema.examples.filter((value): value is string => typeof value === "string")
    : [];
  return [...own, "", "a", "A", "0", "postbus-counterexample", "ABC-DEF", "a b", "😀"];
}

function variantsOf(value: unknown): unknown[] {
  if (typeof value === "string") return [`${value}-other`, "postbus-counterexample"];
  if (typeof value === "number") return [value + 1, value - 1];
  if (typeof value === "boolean") return [!value];
  return [];
}
