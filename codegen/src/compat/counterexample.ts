/**
 * Proof of a gap: turns a {@link Gap}'s edits into whole payloads and keeps the first one
 * that ajv accepts under schema A and rejects under schema B. Only proven gaps are
 * reported as breaking; the payload is the finding's counterexample.
 */
import type { ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { definitionClosure } from "../emit/definition-closure.js";
import type { NormalizedSchema } from "../ir/model.js";
import { appendPointer, escapeSegment, isObject } from "../load/json-pointer.js";
import { describeErrors } from "../validate/check-subjects.js";
import { createAjv } from "../validate/example-ajv.js";
import type { ContractSide } from "./contract-side.js";
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

/** Per side: one Ajv holding every definition (compiled once, on first use), and each schema's judge. */
interface SideValidators {
  readonly ajv: Ajv2020;
  readonly judges: WeakMap<object, Judge>;
  next: number;
}

const validators = new WeakMap<ContractSide, SideValidators>();
const DEFINITIONS_ID = "postbus:definitions";

function validatorsOf(side: ContractSide): SideValidators {
  let found = validators.get(side);
  if (found === undefined) {
    const ajv = createAjv();
    const $defs = Object.fromEntries(
      [...side.definitions].map(([name, definition]) => [name, definition.schema]),
    );
    ajv.addSchema({ $id: DEFINITIONS_ID, $defs });
    found = { ajv, judges: new WeakMap(), next: 0 };
    validators.set(side, found);
  }
  return found;
}

/**
 * A {@link Judge} of `schema` (a payload schema of `side`), compiled on its first use
 * with the side's shared definitions; the same schema gets the same judge.
 */
export function createJudge(side: ContractSide, schema: NormalizedSchema): Judge {
  const shared = validatorsOf(side);
  const key = typeof schema === "object" ? schema : undefined;
  const known = key === undefined ? undefined : shared.judges.get(key);
  if (known !== undefined) return known;
  let validate: ValidateFunction | undefined;
  let failure: string | undefined;
  const compiled = (): ValidateFunction | undefined => {
    if (validate !== undefined || failure !== undefined) return validate;
    // The schema's `#/$defs/<Name>` refs resolve through these to the side's compiled definitions.
    const $defs = Object.fromEntries(
      definitionClosure(side.model, schema).map((definition) => [
        definition.name,
        { $ref: `${DEFINITIONS_ID}#/$defs/${escapeSegment(definition.name)}` },
      ]),
    );
    const body = typeof schema === "boolean" ? { allOf: [schema] } : schema;
    try {
      validate = shared.ajv.compile({ ...body, $id: `postbus:payload/${shared.next++}`, $defs });
    } catch (error) {
      failure = `the schema cannot be compiled: ${error instanceof Error ? error.message : String(error)}`;
    }
    return validate;
  };
  const run = (payload: unknown): boolean => {
    const check = compiled();
    if (check === undefined) return false;
    try {
      return check(payload) === true;
    } catch {
      return false;
    }
  };
  const judge: Judge = {
    valid: run,
    explain: (payload, near) => {
      if (run(payload)) return "valid";
      if (failure !== undefined) return failure;
      const errors = validate?.errors ?? [];
      const close =
        near === undefined
          ? []
          : errors.filter((error) => {
              const named = error.params.missingProperty ?? error.params.additionalProperty;
              const at =
                typeof named === "string" ? appendPointer(error.instancePath, named) : error.instancePath;
              return at === near || at.startsWith(`${near}/`);
            });
      return describeErrors(close.length > 0 ? close : errors);
    },
  };
  if (key !== undefined) shared.judges.set(key, judge);
  return judge;
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
