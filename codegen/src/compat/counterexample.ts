/**
 * Proof of a gap: turns a {@link Gap}'s edits into whole payloads and keeps the first one
 * that ajv accepts under schema A and rejects under schema B. Only proven gaps are
 * reported as breaking; the payload is the finding's counterexample.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { NormalizedSchema } from "../ir/model.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import { createAjv } from "../validate/check-examples.js";
import { type ContractSide, standaloneSchema } from "./contract-side.js";
import type { Edit, Gap } from "./inclusion.js";
import { synthesize } from "./synthesize.js";

/** A compiled contract: says whether a payload is valid, and why not. */
export interface Judge {
  readonly valid: (payload: unknown) => boolean;
  /**
   * Why `payload` is rejected, as `"/path message"`: the reasons at `near` (an instance
   * pointer) or below it first, else the first three.
   */
  readonly explain: (payload: unknown, near?: string) => string;
}

/** Compiles `schema` of `side` (with the definitions it reaches) into a {@link Judge}. */
export function createJudge(side: ContractSide, schema: NormalizedSchema): Judge {
  const ajv = createAjv();
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(standaloneSchema(side, schema));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { valid: () => false, explain: () => `the schema cannot be compiled: ${reason}` };
  }
  const run = (payload: unknown): boolean => {
    try {
      return validate(payload) === true;
    } catch {
      return false;
    }
  };
  return {
    valid: run,
    explain: (payload, near) => {
      if (run(payload)) return "valid";
      const errors = validate.errors ?? [];
      const close =
        near === undefined
          ? []
          : errors.filter((error) => {
              const named = error.params.missingProperty ?? error.params.additionalProperty;
              const at =
                typeof named === "string" ? appendPointer(error.instancePath, named) : error.instancePath;
              return at === near || at.startsWith(`${near}/`);
            });
      return describe(close.length > 0 ? close : errors);
    },
  };
}

/** The first payload built from `gap`'s edits that `a` accepts and `b` rejects, or `undefined`. */
export function findCounterexample(
  gap: Gap,
  bases: readonly unknown[],
  sideA: ContractSide,
  a: Judge,
  b: Judge,
): unknown {
  for (const base of bases) {
    for (const edit of gap.edits) {
      const candidate = applyEdit(base, edit, gap.chain, sideA);
      if (candidate.applied && a.valid(candidate.value) && !b.valid(candidate.value)) return candidate.value;
    }
  }
  return undefined;
}

/**
 * Valid payloads of A to start counterexamples from: its examples that A accepts, then a
 * synthesized one when A accepts it.
 */
export function basePayloads(
  sideA: ContractSide,
  schema: NormalizedSchema,
  examples: readonly unknown[],
  a: Judge,
): unknown[] {
  const bases = examples.filter((example) => a.valid(example)).slice(0, 3);
  const made = synthesize(sideA, schema);
  if (a.valid(made)) bases.push(made);
  if (bases.length === 0) bases.push(made);
  return bases;
}

function applyEdit(
  base: unknown,
  edit: Edit,
  chain: readonly NormalizedSchema[],
  side: ContractSide,
): { applied: boolean; value: unknown } {
  if (edit.path.length === 0)
    return "set" in edit ? { applied: true, value: edit.set } : { applied: false, value: base };
  const root = structuredClone(base);
  let holder: unknown = root;
  let value = root;
  const container = (at: number, current: unknown): unknown => {
    const segment = edit.path[at];
    const wantArray = typeof segment === "number";
    if (wantArray ? Array.isArray(current) : isObject(current)) return current;
    const made = synthesize(side, chain[at] ?? true);
    if (wantArray ? Array.isArray(made) : isObject(made)) return made;
    return wantArray ? [] : {};
  };
  value = container(0, root);
  holder = value;
  const top = value;
  for (let at = 0; at < edit.path.length - 1; at++) {
    const segment = edit.path[at] as string | number;
    const record = holder as Record<string | number, unknown>;
    if (Array.isArray(record)) fillTo(record, segment as number, chain[at + 1], side);
    const next = container(at + 1, record[segment]);
    record[segment] = next;
    holder = next;
  }
  const last = edit.path[edit.path.length - 1] as string | number;
  const record = holder as Record<string | number, unknown>;
  if ("remove" in edit) {
    if (Array.isArray(record)) return { applied: false, value: top };
    delete record[last];
  } else {
    if (Array.isArray(record)) fillTo(record, last as number, chain[edit.path.length], side);
    record[last] = structuredClone(edit.set);
  }
  return { applied: true, value: top };
}

function fillTo(
  array: unknown[],
  index: number,
  schema: NormalizedSchema | undefined,
  side: ContractSide,
): void {
  while (array.length <= index) array.push(synthesize(side, schema ?? true));
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}
