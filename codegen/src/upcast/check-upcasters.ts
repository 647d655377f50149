import {
  type FunctionDeclaration,
  type Node,
  Project,
  type SourceFile,
  SyntaxKind,
  type TypeNode,
  ts,
} from "ts-morph";
import { diagnostic } from "../ir/diagnostic.js";
import type { ContractModel, Diagnostic, EventContract, SourceLocation, UpcasterStep } from "../ir/model.js";
import type { UpcasterFile } from "./find-upcasters.js";

/** Where the generated types sit in the checking project (in memory). */
const TYPES_FILE = "/postbus-types/types.ts";

/** What {@link checkUpcasters} found: the steps that passed, and every problem. */
export interface CheckedUpcasters {
  readonly steps: UpcasterStep[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Type-checks upcaster files with ts-morph against the types generated from the model
 * (`typesText`, what `types.ts` of the package will hold): the file's name must name an event
 * type and two of its versions, it must export exactly one function, whose one parameter is
 * annotated with the `from` version's generated type and whose return type is the `to`
 * version's — the named types themselves, not a look-alike — and the file must compile under
 * `strict`. Its only import may be a type-only import of the types package (`packageName`).
 * Every problem is a {@link Diagnostic} with the upcaster's file and line.
 */
export function checkUpcasters(
  model: ContractModel,
  files: readonly UpcasterFile[],
  typesText: string,
  packageName: string,
): CheckedUpcasters {
  const diagnostics: Diagnostic[] = [];
  const steps: UpcasterStep[] = [];
  if (files.length === 0) return { steps, diagnostics };
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      paths: { [packageName]: [TYPES_FILE] },
      types: [],
    },
  });
  project.createSourceFile(TYPES_FILE, typesText);
  const byVersion = new Map(model.events.map((event) => [`${event.eventType}@${event.version}`, event]));
  for (const file of files) {
    const source = project.createSourceFile(`/${file.file}`, file.text);
    const at = (node: Node | undefined, pointer = ""): SourceLocation =>
      location(file.file, source, node, pointer);
    const problem = (code: Parameters<typeof diagnostic>[0], message: string, hint: string, node?: Node) =>
      diagnostics.push(diagnostic(code, message, hint, at(node)));
    if (file.step === undefined) {
      problem(
        "POSTBUS_UPCASTER_FILE",
        `Upcaster file name "${file.file.split("/").at(-1)}" does not say its step`,
        "Name it <event type>.v<from>-to-v<to>.ts, e.g. order.placed.v1-to-v2.ts",
      );
      continue;
    }
    const { eventType, from, to } = file.step;
    const fromEvent = byVersion.get(`${eventType}@${from}`);
    const toEvent = byVersion.get(`${eventType}@${to}`);
    if (fromEvent === undefined || toEvent === undefined) {
      const missing = fromEvent === undefined ? from : to;
      problem(
        "POSTBUS_UPCASTER_FILE",
        `Upcaster ${eventType} v${from} → v${to}: there is no contract for ${eventType} version ${missing}`,
        "Rename the file after an event type and two of its versions, or add the missing version's schema",
      );
      continue;
    }
    if (from === to) {
      problem(
        "POSTBUS_UPCASTER_FILE",
        `Upcaster ${eventType} v${from} → v${to} goes nowhere`,
        "An upcaster turns one version into another",
      );
      continue;
    }
    const before = diagnostics.length;
    checkImports(source, packageName, (message, node) =>
      problem(
        "POSTBUS_UPCASTER_FILE",
        message,
        `Import only types, from "${packageName}": import type { … } from "${packageName}"`,
        node,
      ),
    );
    const fn = exportedFunction(source, (message, node) =>
      problem(
        "POSTBUS_UPCASTER_SIGNATURE",
        message,
        "Export exactly one function declaration: export function upcast(data: Old): New { … }",
        node,
      ),
    );
    if (fn !== undefined) {
      checkSignature(fn, fromEvent, toEvent, (message, hint, node) =>
        problem("POSTBUS_UPCASTER_SIGNATURE", message, hint, node),
      );
    }
    for (const error of source.getPreEmitDiagnostics()) {
      const start = error.getStart();
      const position = start === undefined ? { line: 1, column: 1 } : source.getLineAndColumnAtPos(start);
      diagnostics.push(
        diagnostic(
          "POSTBUS_UPCASTER_TYPE_ERROR",
          `Upcaster ${eventType} v${from} → v${to} does not compile: ${ts.flattenDiagnosticMessageText(error.getMessageText() as string | ts.DiagnosticMessageChain, " ")}`,
          `It must produce a valid ${toEvent.typeName} from a ${fromEvent.typeName}`,
          { file: file.file, pointer: "", line: position.line, column: position.column },
        ),
      );
    }
    if (diagnostics.length > before || fn === undefined) continue;
    steps.push({
      kind: "upcaster",
      eventType,
      from,
      to,
      functionName: fn.getName()!,
      source: at(fn),
      packageText: packageText(source, packageName),
    });
  }
  steps.sort((a, b) => (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : a.from - b.from));
  return { steps, diagnostics };
}

function location(file: string, source: SourceFile, node: Node | undefined, pointer: string): SourceLocation {
  if (node === undefined) return { file, pointer, line: 1, column: 1 };
  const { line, column } = source.getLineAndColumnAtPos(node.getStart());
  return { file, pointer, line, column };
}

function checkImports(
  source: SourceFile,
  packageName: string,
  report: (message: string, node: Node) => void,
): void {
  for (const declaration of source.getImportDeclarations()) {
    const specifier = declaration.getModuleSpecifierValue();
    const typeOnly =
      declaration.isTypeOnly() ||
      (declaration.getNamedImports().length > 0 &&
        declaration.getNamedImports().every((named) => named.isTypeOnly()) &&
        declaration.getDefaultImport() === undefined &&
        declaration.getNamespaceImport() === undefined);
    if (specifier !== packageName || !typeOnly) {
      report(
        `Upcaster imports ${typeOnly ? "" : "values from "}"${specifier}": an upcaster is copied into the types package, which has nothing but its own types`,
        declaration,
      );
    }
  }
  for (const declaration of source.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) {
      report("Upcaster re-exports another module", declaration);
    }
  }
}

function exportedFunction(
  source: SourceFile,
  report: (message: string, node?: Node) => void,
): FunctionDeclaration | undefined {
  const exported = [...source.getExportedDeclarations().values()].flat();
  const functions = exported.filter((node) => node.isKind(SyntaxKind.FunctionDeclaration));
  const others = exported.filter(
    (node) =>
      !node.isKind(SyntaxKind.FunctionDeclaration) &&
      !node.isKind(SyntaxKind.TypeAliasDeclaration) &&
      !node.isKind(SyntaxKind.InterfaceDeclaration),
  );
  if (others.length > 0) {
    report(
      `Upcaster exports ${others.length === 1 ? "a value" : "values"} other than its function`,
      others[0],
    );
    return undefined;
  }
  if (functions.length !== 1) {
    report(`Upcaster exports ${functions.length} functions; it must export exactly one`, functions[1]);
    return undefined;
  }
  const fn = functions[0] as FunctionDeclaration;
  if (fn.getName() === undefined || fn.isDefaultExport()) {
    report("Upcaster's function must be a named export, not a default export", fn);
    return undefined;
  }
  if (fn.isAsync() || fn.isGenerator()) {
    report("Upcaster's function must be synchronous: it runs while an event is delivered", fn);
    return undefined;
  }
  return fn;
}

function checkSignature(
  fn: FunctionDeclaration,
  fromEvent: EventContract,
  toEvent: EventContract,
  report: (message: string, hint: string, node: Node) => void,
): void {
  const step = `${fromEvent.eventType} v${fromEvent.version} → v${toEvent.version}`;
  const parameters = fn.getParameters();
  const parameter = parameters[0];
  if (parameters.length !== 1 || parameter === undefined) {
    report(
      `Upcaster ${step} takes ${parameters.length} parameters; it must take one, the v${fromEvent.version} payload`,
      `Declare it as (data: ${fromEvent.typeName})`,
      parameters[1] ?? fn,
    );
    return;
  }
  const want = (node: TypeNode | undefined, typeName: string, what: string, anchor: Node) => {
    const named = node === undefined ? undefined : namedGeneratedType(node);
    if (named === typeName) return;
    report(
      `Upcaster ${step}: its ${what} is ${node === undefined ? "not annotated" : `"${node.getText()}"`}, expected exactly the generated type ${typeName}`,
      `Annotate it with ${typeName}, imported with: import type { ${fromEvent.typeName}, ${toEvent.typeName} } from "<your types package>"`,
      node ?? anchor,
    );
  };
  want(parameter.getTypeNode(), fromEvent.typeName, "parameter's type", parameter);
  want(fn.getReturnTypeNode(), toEvent.typeName, "return type", fn);
}

/** The name of the generated type a type annotation refers to (through imports), or undefined for anything else. */
function namedGeneratedType(node: TypeNode): string | undefined {
  if (!node.isKind(SyntaxKind.TypeReference) || node.getTypeArguments().length > 0) return undefined;
  let symbol = node.getTypeName().getSymbol();
  if (symbol === undefined) return undefined;
  if (symbol.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
  const declaration = symbol.getDeclarations()[0];
  if (declaration === undefined || declaration.getSourceFile().getFilePath() !== TYPES_FILE) return undefined;
  return symbol.getName();
}

/** The module as the types package holds it: its import of the types package now reads `../types.js`. */
function packageText(source: SourceFile, packageName: string): string {
  let text = source.getFullText();
  const imports = source
    .getImportDeclarations()
    .filter((declaration) => declaration.getModuleSpecifierValue() === packageName)
    .map((declaration) => declaration.getModuleSpecifier())
    .sort((a, b) => b.getStart() - a.getStart());
  for (const specifier of imports) {
    text = `${text.slice(0, specifier.getStart())}"../types.js"${text.slice(specifier.getEnd())}`;
  }
  return text;
}
