import { createHash } from "node:crypto";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { diagnostic } from "../ir/diagnostic.js";
import type { ContractModel, Diagnostic, NormalizedSchema, SourceLocation } from "../ir/model.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import type { Position } from "../load/parse-file.js";
import { checkSubjects, MODEL_ID, type SubjectToCheck } from "./check-subjects.js";
import { type ExampleProblem, restoredResult, resultHash, useResult } from "./example-results.js";

/**
 * What example checks keep between runs (watch mode): results per schema, reachable
 * definitions and examples; and the Ajv instance with the definitions compiled, reused
 * while no definition changes.
 */
export interface ExampleCache {
  readonly results: Map<string, readonly ExampleProblem[]>;
  checker?: { readonly definitionsKey: string; readonly ajv: Ajv2020; next: number };
}

/** An empty {@link ExampleCache}. */
export function createExampleCache(): ExampleCache {
  return { results: new Map() };
}

interface Subject {
  readonly schema: NormalizedSchema;
  readonly examples: readonly unknown[];
  readonly source: SourceLocation;
}

const REF_PREFIX = "#/$defs/";

/**
 * Phase 3b, on the IR: every `examples` entry of an event or a definition must
 * validate against its (normalized) schema, refs included. Checked with Ajv (2020-12);
 * the definitions live in one document compiled once and shared by every check. A subject's result
 * is reused while nothing it reads changes: from `cache` (watch mode) or from what an earlier process
 * remembered (`example-results.ts`); ajv loads only when a subject has to be compiled.
 */
export async function checkExamples(
  model: ContractModel,
  locate: (file: string, pointer: string) => Position,
  cache: ExampleCache = createExampleCache(),
): Promise<Diagnostic[]> {
  const definitions = new Map(model.definitions.map((definition) => [definition.name, definition.schema]));
  const fingerprints = new Map(
    model.definitions.map((definition) => [definition.name, `${definition.name}:${hash(definition.schema)}`]),
  );
  const closures = new ClosureFinder(definitions);
  const subjects: Subject[] = [
    ...model.events.map((event) => ({
      schema: event.schema,
      examples: event.examples,
      source: event.source,
    })),
    ...model.definitions.map((definition) => ({
      schema: definition.schema,
      examples:
        isObject(definition.schema) && Array.isArray(definition.schema.examples)
          ? definition.schema.examples
          : [],
      source: definition.source,
    })),
  ].filter((subject) => subject.examples.length > 0);

  // Each subject's result: from this process's cache, from an earlier process, or checked now.
  const results: (readonly ExampleProblem[] | undefined)[] = [];
  const unknown: { readonly index: number; readonly key: string; readonly hash: string }[] = [];
  const closuresOf: string[][] = [];
  for (const [index, subject] of subjects.entries()) {
    const closure = closures.reachable(subject.schema);
    closuresOf.push(closure);
    const key = JSON.stringify([
      subject.schema,
      closure.map((name) => fingerprints.get(name)),
      subject.examples,
    ]);
    let problems = cache.results.get(key);
    if (problems === undefined) {
      const remembered = resultHash(key);
      problems = restoredResult(remembered);
      if (problems === undefined) unknown.push({ index, key, hash: remembered });
      else {
        cache.results.set(key, problems);
        useResult(remembered, problems);
      }
    }
    results.push(problems);
  }
  if (unknown.length > 0) {
    const toCheck = unknown.map(({ index }) => ({
      schema: subjects[index]!.schema,
      closure: closuresOf[index]!,
      examples: subjects[index]!.examples,
    }));
    const definitionsKey = hash([...fingerprints.values()]);
    const checked = await checkBatch(cache, definitionsKey, definitions, toCheck);
    unknown.forEach(({ index, key, hash: remembered }, position) => {
      const problems = checked[position]!;
      results[index] = problems;
      cache.results.set(key, problems);
      useResult(remembered, problems);
    });
  }
  const diagnostics: Diagnostic[] = [];
  subjects.forEach((subject, index) => {
    for (const problem of results[index]!)
      diagnostics.push(exampleDiagnostic(problem, subject.source, locate));
  });
  return diagnostics;
}

/** Checks `subjects` with the cached checker (made, with the definitions compiled, when they changed). */
async function checkBatch(
  cache: ExampleCache,
  definitionsKey: string,
  definitions: ReadonlyMap<string, NormalizedSchema>,
  subjects: readonly SubjectToCheck[],
): Promise<ExampleProblem[][]> {
  if (cache.checker?.definitionsKey !== definitionsKey) {
    const { createAjv } = await import("./example-ajv.js");
    const ajv = createAjv();
    ajv.addSchema({ $id: MODEL_ID, $defs: Object.fromEntries(definitions) });
    cache.checker = { definitionsKey, ajv, next: 0 };
  }
  const checker = cache.checker;
  const results = checkSubjects(checker.ajv, subjects, checker.next);
  checker.next += subjects.length;
  return results;
}

function exampleDiagnostic(
  problem: ExampleProblem,
  source: SourceLocation,
  locate: (file: string, pointer: string) => Position,
): Diagnostic {
  const pointer =
    problem.index < 0
      ? appendPointer(source.pointer, "examples")
      : appendPointer(source.pointer, "examples", problem.index);
  const { line, column } = locate(source.file, pointer);
  return diagnostic(
    "POSTBUS_SCHEMA_BAD_EXAMPLE",
    problem.index < 0
      ? `Examples cannot be checked: ${problem.errors}`
      : `Example ${problem.index} does not match the schema: ${problem.errors}`,
    "Fix the example or the schema; examples are copied into the generated docs and TSDoc",
    { file: source.file, pointer, line, column },
  );
}

/** The definitions a schema reaches through `$ref`s, transitively; each definition's refs are read once. */
class ClosureFinder {
  readonly #definitions: ReadonlyMap<string, NormalizedSchema>;
  readonly #direct = new Map<string, readonly string[]>();

  constructor(definitions: ReadonlyMap<string, NormalizedSchema>) {
    this.#definitions = definitions;
  }

  reachable(schema: NormalizedSchema): string[] {
    const seen = new Set<string>();
    const queue = refNames(schema);
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      if (seen.has(name) || !this.#definitions.has(name)) continue;
      seen.add(name);
      queue.push(...this.#refsOf(name));
    }
    return [...seen].sort();
  }

  #refsOf(name: string): readonly string[] {
    let refs = this.#direct.get(name);
    if (refs === undefined) {
      refs = refNames(this.#definitions.get(name));
      this.#direct.set(name, refs);
    }
    return refs;
  }
}

/** Names of the definitions a schema refers to directly (`#/$defs/<Name>`). */
function refNames(schema: unknown): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "$ref" && typeof inner === "string" && inner.startsWith(REF_PREFIX)) {
          names.push(inner.slice(REF_PREFIX.length));
        } else if (key !== "examples" && key !== "default" && key !== "const" && key !== "enum") {
          visit(inner);
        }
      }
    }
  };
  visit(schema);
  return names;
}

function hash(value: unknown): string {
  return createHash("sha1").update(JSON.stringify(value)).digest("base64");
}
