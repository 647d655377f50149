import { type CallExpression, type Expression, Node } from "ts-morph";
import {
  CLIENT_PACKAGE,
  type ClientMethodCall,
  clientMethodCall,
  declarationsOf,
  unwrap,
} from "./client-method.js";
import { literalString } from "./literal-strings.js";
import { objectProperty } from "./object-property.js";

/** Client methods whose callback receives a typed transaction scope (`tx`) of that client. */
const SCOPE_GIVERS = new Set(["subscribe", "drain", "respond", "withTransaction"]);

/**
 * The slice a typed call publishes or consumes for: the `producer` option of the client it runs
 * on, a string literal in `createTypedPostbus({ …, producer: "orders" })`. The receiver is
 * followed through variables and properties to that call; a transaction scope (`tx` of a
 * handler or of `withTransaction`) to the client whose method received the callback. `undefined`
 * when the trail ends anywhere else (a parameter, a factory of the application's own).
 *
 * @example
 * ```ts
 * // const orders = createTypedPostbus({ db: pool, contracts, producer: "orders" });
 * clientSlice(ordersPublishCall, packageOf); // "orders"
 * ```
 */
export function clientSlice(
  found: ClientMethodCall,
  packageOf: (file: string) => string | undefined,
): string | undefined {
  return found.on === "client"
    ? sliceOfClient(found.receiver, packageOf, 0)
    : sliceOfScope(found.receiver, packageOf, 0);
}

const MAX_DEPTH = 8;

function sliceOfClient(
  receiver: Expression | Node,
  packageOf: (file: string) => string | undefined,
  depth: number,
): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(receiver);
  if (Node.isCallExpression(node)) return producerOption(node, packageOf);
  const initializer = initializerOf(node);
  return initializer === undefined ? undefined : sliceOfClient(initializer, packageOf, depth + 1);
}

function sliceOfScope(
  receiver: Expression | Node,
  packageOf: (file: string) => string | undefined,
  depth: number,
): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(receiver);
  if (!Node.isIdentifier(node)) return undefined;
  for (const declaration of declarationsOf(node)) {
    const callback = enclosingCallback(declaration);
    const giver = callback === undefined ? undefined : callbackOwner(callback);
    if (giver === undefined) continue;
    const method = clientMethodCall(giver, packageOf);
    if (method === undefined || !SCOPE_GIVERS.has(method.method)) continue;
    return method.on === "client"
      ? sliceOfClient(method.receiver, packageOf, depth + 1)
      : sliceOfScope(method.receiver, packageOf, depth + 1);
  }
  return undefined;
}

/** `producer` of `createTypedPostbus({ … })` (or of `createPostbus`), when it is a literal. */
function producerOption(
  call: CallExpression,
  packageOf: (file: string) => string | undefined,
): string | undefined {
  const callee = unwrap(call.getExpression());
  const fromClient = declarationsOf(callee).some(
    (declaration) => packageOf(declaration.getSourceFile().getFilePath()) === CLIENT_PACKAGE,
  );
  if (!fromClient) return undefined;
  const options = call.getArguments()[0];
  const producer = options === undefined ? undefined : objectProperty(options, "producer");
  if (producer === undefined) return undefined;
  const value = literalString(producer);
  return value.kind === "literal" ? value.values[0] : undefined;
}

/** What a variable, property or parameter default was initialized with. */
function initializerOf(node: Node): Node | undefined {
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return undefined;
  for (const declaration of declarationsOf(
    Node.isPropertyAccessExpression(node) ? node.getNameNode() : node,
  )) {
    if (
      Node.isVariableDeclaration(declaration) ||
      Node.isPropertyDeclaration(declaration) ||
      Node.isPropertyAssignment(declaration)
    ) {
      const initializer = declaration.getInitializer();
      if (initializer !== undefined) return initializer;
    }
  }
  return undefined;
}

/** The function whose parameter (or destructured parameter) `declaration` is. */
function enclosingCallback(declaration: Node): Node | undefined {
  const parameter = Node.isParameterDeclaration(declaration)
    ? declaration
    : declaration.getFirstAncestor((ancestor) => Node.isParameterDeclaration(ancestor));
  if (parameter === undefined) return undefined;
  const owner = parameter.getParent();
  return Node.isArrowFunction(owner) || Node.isFunctionExpression(owner) || Node.isMethodDeclaration(owner)
    ? owner
    : undefined;
}

/** The call a callback is handed to: directly (`withTransaction(async (tx) => …)`) or as an option (`{ handler: … }`). */
function callbackOwner(callback: Node): CallExpression | undefined {
  let node: Node | undefined = callback.getParent();
  if (Node.isParenthesizedExpression(node)) node = node.getParent();
  if (Node.isPropertyAssignment(node)) node = node.getParent();
  if (Node.isMethodDeclaration(callback)) node = callback.getParent();
  if (Node.isObjectLiteralExpression(node)) node = node.getParent();
  return Node.isCallExpression(node) ? node : undefined;
}
