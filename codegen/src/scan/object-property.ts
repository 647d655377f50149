import { Node } from "ts-morph";
import { declarationsOf, unwrap } from "./client-method.js";

/**
 * The expression a property of an object literal holds (`{ group: "orders" }`, or shorthand
 * `{ group }`), followed through a variable initialized with an object literal. `undefined`
 * when the object is not a literal or has no such property (spreads are not followed).
 *
 * @example
 * ```ts
 * objectProperty(call.getArguments()[0], "group")?.getText(); // '"orders"'
 * ```
 */
export function objectProperty(expression: Node, name: string): Node | undefined {
  const object = objectLiteralOf(unwrap(expression));
  if (object === undefined) return undefined;
  const property = object.getProperty(name);
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  return undefined;
}

/** Whether the object literal behind `expression` is known (so a missing property is really absent). */
export function isObjectLiteral(expression: Node): boolean {
  return objectLiteralOf(unwrap(expression)) !== undefined;
}

function objectLiteralOf(node: Node) {
  if (Node.isObjectLiteralExpression(node)) return node;
  if (!Node.isIdentifier(node)) return undefined;
  for (const declaration of declarationsOf(node)) {
    if (!Node.isVariableDeclaration(declaration)) continue;
    const initializer = declaration.getInitializer();
    const value = initializer === undefined ? undefined : unwrap(initializer);
    if (Node.isObjectLiteralExpression(value)) return value;
  }
  return undefined;
}
