import path from "node:path";
import { type SourceFile, SyntaxKind } from "ts-morph";
import { compareText, diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic, GeneratedFile } from "../ir/model.js";
import { CLIENT_PACKAGE, clientMethodCall } from "./client-method.js";
import { clientSlice } from "./client-slice.js";
import type { CallSite, CodeScan, ConsumerSite, DynamicCall, EventUsage, ProducerSite } from "./code-scan.js";
import { loadSources } from "./load-sources.js";
import { packageNames } from "./package-names.js";
import { readCall } from "./read-call.js";

/** The methods whose calls the scan reads (others of the typed client, like `readEvents`, state no producer or consumer). */
const SCANNED = new Set(["publish", "publishMany", "subscribe", "drain", "request", "respond"]);

/** What {@link scanSources} found, and the problems that kept it from reading something. */
export interface ScanResult {
  readonly scan: CodeScan;
  readonly diagnostics: readonly Diagnostic[];
}

/** What to scan. */
export interface ScanOptions {
  /** Folder the reported file names are relative to (the config's root). */
  readonly root: string;
  /** tsconfig files (`*.json`) and globs of TypeScript files; see {@link loadSources}. */
  readonly sources: readonly string[];
  /** Folder the entries are relative to; default `root`. */
  readonly base?: string | undefined;
  /** The config file the entries came from, relative to `root`, for diagnostics; `undefined` for the command line. */
  readonly origin?: string | undefined;
  /** Files (paths relative to `root`) that replace those on disk: the types package being generated. */
  readonly overrides?: readonly GeneratedFile[] | undefined;
}

/**
 * Reads an application's TypeScript with ts-morph and finds every call of a typed Postbus client
 * (`createTypedPostbus`'s `TypedPostbus`, and the transaction scope its handlers and
 * `withTransaction` get) that publishes or consumes: `publish`, `publishMany`, `subscribe`,
 * `drain`, `request` and `respond`, with their literal event types and group names. The type
 * checker decides what a receiver is, so another object's `publish` is not counted. Calls whose
 * arguments are not literals are listed as dynamic. A file importing `@postbus/client` that does
 * not resolve is a `POSTBUS_SCAN_UNRESOLVED` diagnostic: its calls could not be told apart; so is
 * a subscribe, drain, request or respond on a client whose registry type has no entries.
 *
 * @example
 * ```ts
 * const { scan } = scanSources({ root: process.cwd(), sources: ["tsconfig.json"] });
 * scan.events.find((event) => event.eventType === "order.placed")?.producers; // [{ file: "src/orders.ts", line: 12, … }]
 * ```
 */
export function scanSources(options: ScanOptions): ScanResult {
  const overrides = (options.overrides ?? [])
    .filter((file) => file.path.endsWith(".ts"))
    .map((file) => ({ file: path.resolve(options.root, file.path), contents: file.contents }));
  const loaded = loadSources(options.base ?? options.root, options.sources, options.origin, overrides);
  const diagnostics = [...loaded.diagnostics];
  const packageOf = packageNames();
  const producers = new Map<string, ProducerSite[]>();
  const consumers = new Map<string, ConsumerSite[]>();
  const dynamic: DynamicCall[] = [];
  let calls = 0;
  const add = <Site>(map: Map<string, Site[]>, key: string, site: Site) =>
    map.set(key, [...(map.get(key) ?? []), site]);
  for (const file of loaded.files) {
    const relative = toPosix(path.relative(options.root, file.getFilePath()));
    diagnostics.push(...unresolvedClient(file, relative));
    const filePackage = packageOf(file.getFilePath());
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const found = clientMethodCall(call, packageOf);
      if (found === undefined || !SCANNED.has(found.method)) continue;
      calls++;
      const { line, column } = file.getLineAndColumnAtPos(
        call.getExpression().getEnd() - found.method.length,
      );
      const site: CallSite = { file: relative, line, column };
      for (const fact of readCall(found, {
        site,
        slice: clientSlice(found, packageOf),
        package: filePackage,
      })) {
        if (fact.kind === "produces") add(producers, fact.eventType, fact.site);
        else if (fact.kind === "consumes") add(consumers, fact.eventType, fact.site);
        else if (fact.kind === "dynamic") dynamic.push(fact.site);
        else diagnostics.push(noRegistry(fact.site, fact.method));
      }
    }
  }
  const events: EventUsage[] = [...new Set([...producers.keys(), ...consumers.keys()])]
    .sort(compareText)
    .map((eventType) => ({
      eventType,
      producers: [...(producers.get(eventType) ?? [])].sort(bySite),
      consumers: [...(consumers.get(eventType) ?? [])].sort(bySite),
    }));
  return {
    scan: { files: loaded.files.length, calls, events, dynamic: dynamic.sort(bySite) },
    diagnostics,
  };
}

/** Imports of the client that do not resolve: the type checker cannot see its types there. */
function unresolvedClient(file: SourceFile, relative: string): Diagnostic[] {
  return file
    .getImportDeclarations()
    .filter((declaration) => {
      const specifier = declaration.getModuleSpecifierValue();
      return (
        (specifier === CLIENT_PACKAGE || specifier.startsWith(`${CLIENT_PACKAGE}/`)) &&
        declaration.getModuleSpecifierSourceFile() === undefined
      );
    })
    .map((declaration) => {
      const { line, column } = file.getLineAndColumnAtPos(declaration.getStart());
      return diagnostic(
        "POSTBUS_SCAN_UNRESOLVED",
        `${relative} imports ${declaration.getModuleSpecifierValue()}, which does not resolve, so its Postbus calls cannot be recognized`,
        `Install ${CLIENT_PACKAGE} where the file can import it, or map it in the tsconfig's paths`,
        { file: relative, pointer: "", line, column },
      );
    });
}

/** A call whose client's contracts the type checker cannot read. */
function noRegistry(site: CallSite, method: string): Diagnostic {
  return diagnostic(
    "POSTBUS_SCAN_UNRESOLVED",
    `The client this ${method} runs on has no contracts the type checker can read, so its channels and reply types are unknown`,
    "Create it with the generated package's contracts (createTypedPostbus({ contracts })) and make that package resolve in the tsconfig",
    { file: site.file, pointer: "", line: site.line, column: site.column },
  );
}

function bySite(a: CallSite, b: CallSite): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
