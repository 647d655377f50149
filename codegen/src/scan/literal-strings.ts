import { Node, type Type } from "ts-morph";
import { unwrap } from "./client-method.js";

/** What an argument names: its string literals, or `dynamic` with the literal types it may take. */
export type LiteralStrings =
  | { readonly kind: "literal"; readonly values: readonly string[] }
  | { readonly kind: "dynamic"; readonly candidates: readonly string[] };

/**
 * The one string an expression names, by its type: `"order.placed"`, a `const` holding it, or
 * `x as const`. A union of literals (`type: "a" | "b"`) is dynamic — which one is published is
 * known only at run time — with the members as candidates.
 *
 * @example
 * ```ts
 * literalString(call.getArguments()[0]); // { kind: "literal", values: ["order.placed"] }
 * ```
 */
export function literalString(expression: Node): LiteralStrings {
  const type = unwrap(expression).getType();
  if (type.isStringLiteral()) return { kind: "literal", values: [String(type.getLiteralValue())] };
  return { kind: "dynamic", candidates: stringsOf(type) ?? [] };
}

/**
 * The strings a list argument names (`channels`, `eventTypes`): one literal, an array literal of
 * them (each element by {@link literalString}), or a value whose type is a tuple of literals
 * (`["a", "b"] as const`). Anything else is dynamic.
 */
export function literalStrings(expression: Node): LiteralStrings {
  const node = unwrap(expression);
  if (Node.isArrayLiteralExpression(node)) {
    const values: string[] = [];
    for (const element of node.getElements()) {
      if (Node.isSpreadElement(element)) {
        const spread = literalStrings(element.getExpression());
        if (spread.kind === "dynamic")
          return { kind: "dynamic", candidates: stringsOf(node.getType()) ?? [] };
        values.push(...spread.values);
        continue;
      }
      const one = literalString(element);
      if (one.kind === "dynamic") return { kind: "dynamic", candidates: stringsOf(node.getType()) ?? [] };
      values.push(...one.values);
    }
    return { kind: "literal", values };
  }
  const type = node.getType();
  if (type.isStringLiteral()) return { kind: "literal", values: [String(type.getLiteralValue())] };
  if (type.isTuple()) {
    const values = type.getTupleElements().map((element) => single(element));
    if (values.every((value) => value !== undefined)) return { kind: "literal", values };
  }
  return { kind: "dynamic", candidates: stringsOf(type) ?? [] };
}

/** Every string literal a type can be (through unions, arrays and tuples); `undefined` when it may be any other value. */
function stringsOf(type: Type): string[] | undefined {
  if (type.isStringLiteral()) return [String(type.getLiteralValue())];
  const parts = type.isUnion()
    ? type.getUnionTypes()
    : type.isTuple()
      ? type.getTupleElements()
      : type.isArray()
        ? [type.getArrayElementTypeOrThrow()]
        : undefined;
  if (parts === undefined) return undefined;
  const values: string[] = [];
  for (const part of parts) {
    const strings = stringsOf(part);
    if (strings === undefined) return undefined;
    values.push(...strings);
  }
  return [...new Set(values)].sort();
}

function single(type: Type): string | undefined {
  return type.isStringLiteral() ? String(type.getLiteralValue()) : undefined;
}
