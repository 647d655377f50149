import { type CallExpression, type Expression, Node } from "ts-morph";

/** The interfaces of `@postbus/client` whose methods publish and consume typed events. */
const CLIENT_INTERFACES = new Set(["TypedPostbus", "TypedTransactionScope"]);

/** The package whose declarations count: the typed client, from its sources or its `dist/`. */
export const CLIENT_PACKAGE = "@postbus/client";

/** A call of a method of the typed client (`bus.publish(…)`) or of its transaction scope (`tx.publish(…)`). */
export interface ClientMethodCall {
  readonly call: CallExpression;
  /** The method's name, e.g. `publish`, `subscribe`, `withTransaction`. */
  readonly method: string;
  /** The expression the method is called on (`bus`, `tx`, `this.bus`). */
  readonly receiver: Expression;
  /** `client` for a `TypedPostbus`, `transaction` for a `TypedTransactionScope`. */
  readonly on: "client" | "transaction";
}

/**
 * The typed-client method `call` calls, asked of the type checker: the method's declaration must
 * be a member of `TypedPostbus` or `TypedTransactionScope` declared in `@postbus/client`
 * (`packageOf` names a file's package), so an unrelated object with a `publish` method is not
 * one. `undefined` for any other call.
 *
 * @example
 * ```ts
 * clientMethodCall(call, packageOf)?.method; // "publish" for bus.publish("order.placed", …)
 * ```
 */
export function clientMethodCall(
  call: CallExpression,
  packageOf: (file: string) => string | undefined,
): ClientMethodCall | undefined {
  const callee = unwrap(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const symbol = callee.getNameNode().getSymbol();
  for (const declaration of symbol?.getDeclarations() ?? []) {
    const owner = declaration.getParent();
    if (!Node.isInterfaceDeclaration(owner)) continue;
    const name = owner.getName();
    if (!CLIENT_INTERFACES.has(name)) continue;
    if (packageOf(declaration.getSourceFile().getFilePath()) !== CLIENT_PACKAGE) continue;
    return {
      call,
      method: callee.getName(),
      receiver: callee.getExpression(),
      on: name === "TypedPostbus" ? "client" : "transaction",
    };
  }
  return undefined;
}

/** The declarations a node's symbol stands for, through imports and re-exports. */
export function declarationsOf(node: Node): Node[] {
  const symbol = node.getSymbol();
  const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  return target?.getDeclarations() ?? [];
}

/** The expression under parentheses, `!`, `as`, `satisfies` and `await`. */
export function unwrap(expression: Node): Node {
  let node = expression;
  for (;;) {
    if (
      Node.isParenthesizedExpression(node) ||
      Node.isNonNullExpression(node) ||
      Node.isAsExpression(node) ||
      Node.isSatisfiesExpression(node) ||
      Node.isAwaitExpression(node)
    ) {
      node = node.getExpression();
    } else {
      return node;
    }
  }
}
