import { createHash } from "node:crypto";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { diagnostic } from "../ir/diagnostic.js";
import type { ContractModel, Diagnostic, NormalizedSchema, SourceLocation } from "../ir/model.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import type { Position } from "../load/parse-file.js";
import { SUPPORTED_FORMATS } from "./keywords.js";

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

interface ExampleProblem {
  /** Index of the failing example; -1 when the schema itself could not be compiled. */
  readonly index: number;
  readonly errors: string;
}

interface Subject {
  readonly schema: NormalizedSchema;
  readonly examples: readonly unknown[];
  readonly source: SourceLocation;
}

type AddFormats = (ajv: Ajv2020, formats: string[]) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

const MODEL_ID = "postbus:model";
const REF_PREFIX = "#/$defs/";

/**
 * Phase 3b, on the IR: every `examples` entry of an event or a definition must
 * validate against its (normalized) schema, refs included. Checked with Ajv (2020-12);
 * the definitions live in one document compiled once and shared by every check.
 */
export function checkExamples(
  model: ContractModel,
  locate: (file: string, pointer: string) => Position,
  cache: ExampleCache = createExampleCache(),
): Diagnostic[] {
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

  const diagnostics: Diagnostic[] = [];
  for (const subject of subjects) {
    const closure = closures.reachable(subject.schema);
    const key = JSON.stringify([
      subject.schema,
      closure.map((name) => fingerprints.get(name)),
      subject.examples,
    ]);
    let problems = cache.results.get(key);
    if (problems === undefined) {
      const definitionsKey = hash([...fingerprints.values()]);
      if (cache.checker?.definitionsKey !== definitionsKey) {
        const ajv = createAjv();
        ajv.addSchema({ $id: MODEL_ID, $defs: Object.fromEntries(definitions) });
        cache.checker = { definitionsKey, ajv, next: 0 };
      }
      problems = validateExamples(cache.checker, subject, closure);
      cache.results.set(key, problems);
    }
    for (const problem of problems) diagnostics.push(exampleDiagnostic(problem, subject.source, locate));
  }
  return diagnostics;
}

function validateExamples(
  checker: NonNullable<ExampleCache["checker"]>,
  subject: Subject,
  closure: readonly string[],
): ExampleProblem[] {
  const $id = `postbus:subject/${checker.next++}`;
  // The subject's `#/$defs/<Name>` refs resolve through these to the shared, compiled definitions.
  const $defs = Object.fromEntries(
    closure.map((name) => [name, { $ref: `${MODEL_ID}${REF_PREFIX}${name}` }]),
  );
  const body = isObject(subject.schema) ? subject.schema : { allOf: [subject.schema] };
  try {
    const validate = checker.ajv.compile({ ...body, $id, $defs });
    return subject.examples.flatMap((example, index) =>
      validate(example) ? [] : [{ index, errors: describeErrors(validate.errors ?? []) }],
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ index: -1, errors: `the schema cannot be compiled: ${message}` }];
  } finally {
    checker.ajv.removeSchema($id);
  }
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

/** The first three ajv errors as `"/path message"`, joined by `; `. */
export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`)
    .join("; ");
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

/**
 * The tolerance of `multipleOf` for binary floating point, as ajv's `multipleOfPrecision`: 19.99 is a
 * multiple of 0.01 although `19.99 / 0.01` is 1998.9999999999998. The generated zod validators apply the
 * same one (`MULTIPLE_OF_PRECISION` of `emit/zod/`), so an example the generator accepts is one they accept.
 */
export const MULTIPLE_OF_PRECISION = 9;

/**
 * The Ajv the generator validates with: 2020-12, not strict, every error, the supported formats, the
 * generated validators' `multipleOf` tolerance. Other
 * formats are annotations (validate/ reported them), so ajv's "unknown format ignored" warning is off.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    multipleOfPrecision: MULTIPLE_OF_PRECISION,
    validateFormats: true,
    validateSchema: false,
    logger: false,
  });
  return addFormats(ajv, [...SUPPORTED_FORMATS]);
}
