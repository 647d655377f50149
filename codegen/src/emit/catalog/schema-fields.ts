import type { NormalizedSchema } from "../../ir/model.js";

/** A schema's type, as text parts: plain words and references to named definitions. */
export type TypePart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "ref"; readonly name: string };

/** One row of a fields table: a property (nested ones with a dotted path, array items with `[]`). */
export interface FieldRow {
  readonly path: string;
  readonly type: readonly TypePart[];
  readonly required: boolean;
  /** e.g. `format: uuid`, `minLength: 1`, `one of: "buy", "sell"`. */
  readonly constraints: readonly string[];
  readonly description: string | undefined;
  readonly deprecated: boolean;
}

type SchemaObject = { readonly [keyword: string]: unknown };

const REF_PREFIX = "#/$defs/";
/** Nested inline objects deeper than this are summarized as `object`. */
const MAX_DEPTH = 4;

const CONSTRAINT_KEYWORDS = [
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "default",
] as const;

/**
 * The rows of a fields table for an object schema: its properties in schema order, nested inline
 * objects and arrays of them flattened (`levels.low`, `legs[].price`). A `$ref` is not expanded: its
 * type is a link to the definition.
 *
 * @example
 * ```ts
 * fieldRows({ type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] });
 * // [{ path: "id", type: [{ kind: "text", text: "string" }], required: true, constraints: ["format: uuid"], … }]
 * ```
 */
export function fieldRows(
  schema: NormalizedSchema,
  describe: DescribeDefinition = () => undefined,
): FieldRow[] {
  const rows: FieldRow[] = [];
  collect(schema, "", rows, 0, describe);
  return rows;
}

/** The description of a named definition: a field that is only a `$ref` is described by its target. */
export type DescribeDefinition = (name: string) => string | undefined;

function collect(
  schema: NormalizedSchema,
  prefix: string,
  rows: FieldRow[],
  depth: number,
  describe: DescribeDefinition,
): void {
  if (!isObject(schema) || depth > MAX_DEPTH) return;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter(isString) : []);
  for (const [name, property] of Object.entries(properties)) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    const sub = property as NormalizedSchema;
    rows.push({
      path,
      type: typeOf(sub),
      required: required.has(name),
      constraints: constraintsOf(sub),
      description: descriptionOf(sub, describe),
      deprecated: isObject(sub) && sub.deprecated === true,
    });
    if (!isObject(sub)) continue;
    if (isObject(sub.properties)) collect(sub, path, rows, depth + 1, describe);
    else if (isObject(sub.items) && isObject(sub.items.properties))
      collect(sub.items, `${path}[]`, rows, depth + 1, describe);
  }
}

function descriptionOf(schema: NormalizedSchema, describe: DescribeDefinition): string | undefined {
  if (!isObject(schema)) return undefined;
  if (isString(schema.description)) return schema.description;
  const [part] = typeOf(schema);
  return part?.kind === "ref" ? describe(part.name) : undefined;
}

/** The type of a schema as text and definition links, e.g. `string | null`, `array of` `Price`. */
export function typeOf(schema: NormalizedSchema): TypePart[] {
  if (schema === true) return [text("any")];
  if (schema === false) return [text("never")];
  if (isString(schema.$ref)) {
    return schema.$ref.startsWith(REF_PREFIX)
      ? [{ kind: "ref", name: schema.$ref.slice(REF_PREFIX.length) }]
      : [text(schema.$ref)];
  }
  for (const combinator of ["oneOf", "anyOf", "allOf"] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches) && branches.length > 0) {
      const joiner = combinator === "allOf" ? " & " : " | ";
      return branches.flatMap((branch, index) => [
        ...(index === 0 ? [] : [text(joiner)]),
        ...typeOf(branch as NormalizedSchema),
      ]);
    }
  }
  if ("const" in schema) return [text(`const ${JSON.stringify(schema.const)}`)];
  const types = Array.isArray(schema.type)
    ? schema.type.filter(isString)
    : isString(schema.type)
      ? [schema.type]
      : [];
  if (types.length === 0) return [text(isObject(schema.properties) ? "object" : "any")];
  return types.flatMap((type, index) => [...(index === 0 ? [] : [text(" | ")]), ...singleType(type, schema)]);
}

function singleType(type: string, schema: SchemaObject): TypePart[] {
  if (type !== "array") return [text(type)];
  if (schema.items === undefined) return [text("array")];
  return [text("array of "), ...typeOf(schema.items as NormalizedSchema)];
}

/** The constraints of a schema as `keyword: value` text, enums as `one of: …`. */
export function constraintsOf(schema: NormalizedSchema): string[] {
  if (!isObject(schema)) return [];
  const out: string[] = [];
  if (Array.isArray(schema.enum))
    out.push(`one of: ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`);
  for (const keyword of CONSTRAINT_KEYWORDS) {
    const value = schema[keyword];
    if (value === undefined) continue;
    out.push(
      `${keyword}: ${typeof value === "string" && keyword !== "default" ? value : JSON.stringify(value)}`,
    );
  }
  if (schema.additionalProperties === false) out.push("no other properties");
  return out;
}

function text(value: string): TypePart {
  return { kind: "text", text: value };
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}
