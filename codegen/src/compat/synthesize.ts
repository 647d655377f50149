/**
 * Best-effort instances of a schema, for counterexamples: {@link synthesize} builds a
 * small value meant to be valid (first enum value, required properties only, the lower
 * bounds), deterministically. It is a guess: every counterexample built from it is
 * checked with ajv before it is reported, so a wrong guess costs a finding's proof,
 * never a false claim.
 */
import { isSchemaObject } from "../emit/walk-schema.js";
import type { NormalizedSchema } from "../ir/model.js";
import { isObject } from "../load/json-pointer.js";
import { type ContractSide, refName } from "./contract-side.js";

/** A JSON type name as JSON Schema spells it. */
export type JsonType = "null" | "boolean" | "object" | "array" | "number" | "integer" | "string";

/** Every JSON type, in the order {@link synthesize} prefers them. */
export const JSON_TYPES: readonly JsonType[] = [
  "object",
  "string",
  "integer",
  "number",
  "boolean",
  "array",
  "null",
];

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  "date-time": "2026-01-02T03:04:05Z",
  date: "2026-01-02",
  time: "03:04:05Z",
  duration: "P1D",
  email: "someone@example.com",
  "idn-email": "someone@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/a",
  "uri-reference": "/a",
  iri: "https://example.com/a",
  "iri-reference": "/a",
  "uri-template": "https://example.com/{id}",
  uuid: "00000000-0000-4000-8000-000000000000",
  "json-pointer": "/a",
  "relative-json-pointer": "0/a",
  regex: "^a$",
};

/** Strings tried against a `pattern` when a schema gives no example. */
const PATTERN_TRIALS = [
  "a",
  "A",
  "0",
  "abc",
  "ABC",
  "a1",
  "A-B",
  "ABC-DEF",
  "BTC-USD",
  "a_b",
  "a.b",
  "1.0.0",
  "",
];

const MAX_DEPTH = 12;

/** The schema behind a `$ref` (recursively), or the schema itself. */
export function dereference(side: ContractSide, schema: NormalizedSchema): NormalizedSchema {
  let current = schema;
  for (let hops = 0; hops < 64; hops++) {
    const name = refName(current);
    if (name === undefined || !isSchemaObject(current)) return current;
    const { $ref: _ref, ...rest } = current;
    const target = side.definitions.get(name)?.schema ?? true;
    if (Object.keys(rest).length > 0) return { allOf: [target, rest] };
    current = target;
  }
  return current;
}

/** The types `schema` allows by its `type` keyword (every type when it has none). */
export function allowedTypes(schema: NormalizedSchema): JsonType[] {
  if (!isSchemaObject(schema)) return schema ? [...JSON_TYPES] : [];
  const type = schema.type;
  if (type === undefined) return [...JSON_TYPES];
  return (Array.isArray(type) ? type : [type]).filter((item): item is JsonType =>
    (JSON_TYPES as readonly string[]).includes(item as string),
  );
}

/** A small value meant to be valid under `schema` (see the module comment). */
export function synthesize(side: ContractSide, schema: NormalizedSchema, depth = 0): unknown {
  const resolved = dereference(side, schema);
  if (!isSchemaObject(resolved)) return null;
  if (depth > MAX_DEPTH) return null;
  if (Object.hasOwn(resolved, "const")) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return resolved.enum[0];
  if (Array.isArray(resolved.examples) && resolved.examples.length > 0) return resolved.examples[0];
  if (Array.isArray(resolved.allOf)) {
    const parts = resolved.allOf.map((part) => synthesize(side, part as NormalizedSchema, depth + 1));
    const own = synthesize(side, withoutKeyword(resolved, "allOf"), depth + 1);
    return mergeValues([...parts, own]);
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = resolved[keyword];
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = synthesize(side, branches[0] as NormalizedSchema, depth + 1);
      const own = synthesize(side, withoutKeyword(resolved, keyword), depth + 1);
      return mergeValues([branch, own]);
    }
  }
  return synthesizeAs(side, resolved, preferredType(resolved), depth);
}

/** A value of type `type` meant to be valid under the type-specific keywords of `schema`. */
export function synthesizeAs(
  side: ContractSide,
  schema: NormalizedSchema,
  type: JsonType,
  depth = 0,
): unknown {
  const s = isSchemaObject(schema) ? schema : {};
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return false;
    case "integer":
    case "number":
      return numberWithin(s, type === "integer");
    case "string":
      return stringWithin(s);
    case "array": {
      const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as NormalizedSchema[]) : [];
      const items = prefix.map((item) => synthesize(side, item, depth + 1));
      const minItems = typeof s.minItems === "number" ? s.minItems : 0;
      const rest = (s.items ?? true) as NormalizedSchema;
      while (items.length < minItems) items.push(synthesize(side, rest, depth + 1));
      return items;
    }
    case "object": {
      const properties = isObject(s.properties) ? (s.properties as Record<string, NormalizedSchema>) : {};
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      const value: Record<string, unknown> = {};
      for (const key of required) {
        value[key] = synthesize(
          side,
          properties[key] ?? ((s.additionalProperties ?? true) as NormalizedSchema),
          depth + 1,
        );
      }
      const minProperties = typeof s.minProperties === "number" ? s.minProperties : 0;
      for (const key of Object.keys(properties)) {
        if (Object.keys(value).length >= minProperties) break;
        if (!Object.hasOwn(value, key))
          value[key] = synthesize(side, properties[key] as NormalizedSchema, depth + 1);
      }
      return value;
    }
  }
}

function preferredType(schema: Record<string, unknown>): JsonType {
  const types = allowedTypes(schema);
  const hinted: JsonType | undefined =
    schema.properties !== undefined || schema.required !== undefined
      ? "object"
      : schema.items !== undefined || schema.prefixItems !== undefined
        ? "array"
        : schema.pattern !== undefined || schema.format !== undefined || schema.minLength !== undefined
          ? "string"
          : schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined
            ? "number"
            : undefined;
  if (hinted !== undefined && types.includes(hinted)) return hinted;
  if (hinted === "number" && types.includes("integer")) return "integer";
  return types[0] ?? "null";
}

function numberWithin(s: Record<string, unknown>, integer: boolean): number {
  const step = typeof s.multipleOf === "number" ? s.multipleOf : integer ? 1 : 0.5;
  let low = -Infinity;
  if (typeof s.minimum === "number") low = s.minimum;
  if (typeof s.exclusiveMinimum === "number")
    low = Math.max(low, s.exclusiveMinimum + (integer ? 1 : step / 2));
  let high = Infinity;
  if (typeof s.maximum === "number") high = s.maximum;
  if (typeof s.exclusiveMaximum === "number")
    high = Math.min(high, s.exclusiveMaximum - (integer ? 1 : step / 2));
  let value = low === -Infinity ? (high === Infinity ? 0 : Math.min(0, high)) : low;
  if (typeof s.multipleOf === "number") value = Math.ceil(value / s.multipleOf) * s.multipleOf;
  if (integer) value = Math.ceil(value);
  return value;
}

function stringWithin(s: Record<string, unknown>): string {
  const minLength = typeof s.minLength === "number" ? s.minLength : 0;
  const maxLength = typeof s.maxLength === "number" ? s.maxLength : Infinity;
  const fits = (text: string) => {
    const length = [...text].length;
    return length >= minLength && length <= maxLength && matches(s.pattern, text);
  };
  const format = typeof s.format === "string" ? FORMAT_SAMPLES[s.format] : undefined;
  if (format !== undefined && fits(format)) return format;
  for (const trial of PATTERN_TRIALS) {
    const padded = trial.length >= minLength ? trial : trial + "a".repeat(minLength - trial.length);
    if (fits(padded)) return padded;
  }
  return "a".repeat(minLength);
}

/** Whether `text` matches a JSON Schema `pattern` (unicode, unanchored); `true` without one. */
export function matches(pattern: unknown, text: string): boolean {
  if (typeof pattern !== "string") return true;
  try {
    return new RegExp(pattern, "u").test(text);
  } catch {
    return false;
  }
}

/** `schema` without `keyword`. */
export function withoutKeyword(schema: Record<string, unknown>, keyword: string): Record<string, unknown> {
  const { [keyword]: _dropped, ...rest } = schema;
  return rest;
}

/** Objects merged key by key (later ones win on conflicts); otherwise the first value that is not `null`. */
function mergeValues(values: readonly unknown[]): unknown {
  const objects = values.filter(isObject);
  if (objects.length > 0 && objects.length === values.filter((value) => value !== null).length) {
    return Object.assign({}, ...objects);
  }
  return (
    values.find((value) => value !== null && !(isObject(value) && Object.keys(value).length === 0)) ??
    values[0] ??
    null
  );
}
