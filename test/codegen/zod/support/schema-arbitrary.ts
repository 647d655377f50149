/**
 * A fast-check arbitrary of JSON values steered by a JSON Schema: mostly valid, often at the edges
 * (bounds ± 1 and ± epsilon, lengths ± 1 in code points, format edge cases, duplicate items, extra keys).
 * It does not promise validity; ajv decides. Recursion is bounded by depth.
 */
import fc from "fast-check";
import { FORMAT_SAMPLES } from "./format-samples.js";

type Defs = Readonly<Record<string, unknown>>;
type Arb = fc.Arbitrary<unknown>;

const MAX_DEPTH = 5;
const anyJson: Arb = fc.jsonValue({ maxDepth: 2 });
const KEY = fc.string({ maxLength: 4 }).filter((key) => key !== "__proto__");
const CHAR = fc.constantFrom("a", "Z", "é", "😀", "中", "\u{1F468}\u200D\u{1F469}", " ", "1");

const asRecord = (value: unknown): Readonly<Record<string, unknown>> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export function schemaArbitrary(schema: unknown, defs: Defs, depth = 0): Arb {
  if (depth > MAX_DEPTH) return fc.constantFrom(null, 0, "", [], {});
  if (typeof schema === "boolean" || schema === null || typeof schema !== "object") return anyJson;
  const s = schema as Readonly<Record<string, unknown>>;
  const next = (child: unknown): Arb => schemaArbitrary(child, defs, depth + 1);
  const options: Arb[] = [];

  const fixed: Arb[] = [];
  if (Array.isArray(s.enum)) fixed.push(fc.constantFrom(...(s.enum.length > 0 ? s.enum : [null])));
  if (Object.hasOwn(s, "const")) fixed.push(fc.constant(s.const));
  // enum/const values are the likely-valid ones: weigh them up against type-steered values
  for (const arb of fixed) options.push(arb, arb, arb, arb, arb);
  if (typeof s.$ref === "string") options.push(next(defs[s.$ref.slice("#/$defs/".length)]));
  if (Array.isArray(s.anyOf)) options.push(...s.anyOf.map(next));
  if (Array.isArray(s.oneOf)) options.push(...s.oneOf.map(next));
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const branches = s.allOf.map(next);
    options.push(fc.tuple(...branches).map(mergeAll), ...branches);
  }
  if (s.not !== undefined) options.push(next(s.not));
  if (s.if !== undefined)
    options.push(next(s.if), ...[s.then, s.else].filter((b) => b !== undefined).map(next));

  const types = Array.isArray(s.type)
    ? (s.type as string[])
    : typeof s.type === "string"
      ? [s.type]
      : undefined;
  const families = types ?? ["null", "boolean", "integer", "number", "string", "array", "object"];
  if (options.length === 0 || types !== undefined || hasTypedKeywords(s)) {
    options.push(...families.map((type) => typeArbitrary(type, s, next)));
  }
  return fc.oneof(...options);
}

function hasTypedKeywords(s: Readonly<Record<string, unknown>>): boolean {
  return ["properties", "items", "prefixItems", "minLength", "pattern", "minimum", "format", "required"].some(
    (keyword) => keyword in s,
  );
}

/** Objects merged key by key (for allOf); otherwise the first value. */
function mergeAll(values: unknown[]): unknown {
  if (values.every((value) => value !== null && typeof value === "object" && !Array.isArray(value))) {
    return Object.assign({}, ...values);
  }
  return values[0];
}

function typeArbitrary(
  type: string,
  s: Readonly<Record<string, unknown>>,
  next: (child: unknown) => Arb,
): Arb {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number":
      return numberArbitrary(s, type === "integer");
    case "string":
      return stringArbitrary(s);
    case "array":
      return arrayArbitrary(s, next);
    case "object":
      return objectArbitrary(s, next);
    default:
      return anyJson;
  }
}

function numberArbitrary(s: Readonly<Record<string, unknown>>, integer: boolean): Arb {
  const bounds = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
    .map((keyword) => s[keyword])
    .filter((value): value is number => typeof value === "number");
  const edges = bounds.flatMap((b) => [
    b,
    b - 1,
    b + 1,
    b - 1e-9,
    b + 1e-9,
    b + 0.5,
    b - Number.EPSILON * Math.abs(b),
  ]);
  const step = typeof s.multipleOf === "number" ? s.multipleOf : undefined;
  const multiple = step
    ? fc.integer({ min: -2000, max: 2000 }).map((k) => Number((k * step).toFixed(10)))
    : undefined;
  const multiples: Arb[] =
    step && multiple
      ? [
          multiple,
          multiple,
          multiple,
          multiple,
          fc.integer({ min: -2000, max: 2000 }).map((k) => k * step),
          fc.integer({ min: -2000, max: 2000 }).map((k) => Number((k * step).toFixed(10))),
          fc.integer({ min: -2000, max: 2000 }).map((k) => k * step + step / 3),
        ]
      : [];
  const base = bounds.length > 0 ? (bounds[0] as number) : 0;
  return fc.oneof(
    fc.constantFrom(0, -0, 1, -1, 1.0, 2.5, 1e20, -1e20, 2 ** 53 + 2, 0.1, ...edges),
    fc.integer({ min: Math.trunc(base) - 20, max: Math.trunc(base) + 20 }),
    integer
      ? fc.integer()
      : fc.double({ noNaN: true, noDefaultInfinity: true, min: base - 100, max: base + 100 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    ...multiples,
  );
}

function stringArbitrary(s: Readonly<Record<string, unknown>>): Arb {
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : min + 6;
  const within = fc.string({ unit: CHAR, minLength: min, maxLength: Math.max(min, max) });
  const options: Arb[] = [
    fc.string({ unit: CHAR, minLength: Math.max(0, min - 1), maxLength: max + 1 }),
    within,
    within,
  ];
  const samples = typeof s.format === "string" ? FORMAT_SAMPLES[s.format] : undefined;
  if (samples) {
    const valid = fc.constantFrom(...samples.valid);
    options.push(fc.constantFrom(...samples.invalid), valid, valid, valid, valid, valid, valid);
  }
  if (typeof s.pattern === "string") {
    try {
      options.push(fc.stringMatching(new RegExp(s.pattern, "u"), { size: "xsmall" }));
      options.push(fc.stringMatching(new RegExp(s.pattern, "u"), { size: "xsmall" }));
    } catch {
      // a pattern fast-check cannot generate from: random strings only
    }
  }
  if (Array.isArray(s.enum))
    options.push(fc.constantFrom(...s.enum.filter((v) => typeof v === "string"), "x"));
  return fc.oneof(...options);
}

function arrayArbitrary(s: Readonly<Record<string, unknown>>, next: (child: unknown) => Arb): Arb {
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const max = typeof s.maxItems === "number" ? s.maxItems : min + 4;
  const item = s.items === undefined || typeof s.items === "boolean" ? anyJson : next(s.items);
  const withContains = s.contains !== undefined ? fc.oneof(item, next(s.contains)) : item;
  const array = fc.array(withContains, { minLength: Math.max(0, min - 1), maxLength: max + 1 });
  const withDuplicates = array.map((items) => (items.length > 0 ? [...items, items[0]] : items));
  const options: Arb[] = [array, array, withDuplicates];
  if (Array.isArray(s.prefixItems) && s.prefixItems.length > 0) {
    const prefix = s.prefixItems.map(next);
    const rest = fc.array(item, { maxLength: 2 });
    options.push(
      fc
        .tuple(fc.tuple(...prefix), rest, fc.nat({ max: prefix.length }))
        .map(([head, tail, cut]) => [...head.slice(0, cut), ...(cut === prefix.length ? tail : [])]),
      fc.tuple(fc.tuple(...prefix), rest).map(([head, tail]) => [...head, ...tail]),
    );
  }
  return fc.oneof(...options);
}

function objectArbitrary(s: Readonly<Record<string, unknown>>, next: (child: unknown) => Arb): Arb {
  const properties = asRecord(s.properties);
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const model: Record<string, Arb> = {};
  for (const [key, value] of Object.entries(properties)) model[key] = next(value);
  const declaredRequired = required.filter((key) => Object.hasOwn(properties, key));
  const record = fc.record(model, { requiredKeys: declaredRequired });
  const patterns = Object.entries(asRecord(s.patternProperties));
  const extraKeys: fc.Arbitrary<string>[] = [KEY];
  const names = asRecord(s.propertyNames);
  if (typeof names.pattern === "string") {
    extraKeys.push(fc.stringMatching(new RegExp(names.pattern, "u"), { size: "xsmall" }));
  }
  const extraValues: Arb[] = [anyJson];
  for (const [pattern, value] of patterns) {
    try {
      extraKeys.push(
        fc.stringMatching(new RegExp(pattern, "u"), { size: "xsmall" }).filter((k) => k !== "__proto__"),
      );
    } catch {
      // no generator for this pattern
    }
    extraValues.push(next(value));
  }
  if (s.additionalProperties !== undefined && typeof s.additionalProperties !== "boolean") {
    extraValues.push(next(s.additionalProperties));
  }
  const undeclared = required.filter((key) => !Object.hasOwn(properties, key));
  if (undeclared.length > 0) extraKeys.push(fc.constantFrom(...undeclared));
  const extras = fc.dictionary(fc.oneof(...extraKeys), fc.oneof(...extraValues), { maxKeys: 3 });
  const requiredExtras = fc
    .tuple(...undeclared.map(() => fc.oneof(...extraValues)))
    .map((values) => Object.fromEntries(undeclared.map((key, index) => [key, values[index]])));
  return fc.oneof(
    { arbitrary: fc.tuple(record, requiredExtras).map(([a, b]) => ({ ...b, ...a })), weight: 3 },
    {
      arbitrary: fc.tuple(record, requiredExtras, extras).map(([a, b, c]) => ({ ...c, ...b, ...a })),
      weight: 1,
    },
  );
}
