/**
 * Example check results remembered across processes: the problems each subject's examples had (none,
 * mostly), by the hash of everything the check read (the subject's schema, the definitions it reaches,
 * its examples), under a key that holds ajv's and ajv-formats' versions, the options and the formats.
 * A fresh `postbus generate` then compiles only the subjects that changed since the last one.
 */
import { createHash } from "node:crypto";
import { AJV_OPTIONS, ajvVersions } from "./ajv-options.js";
import { SUPPORTED_FORMATS } from "./keywords.js";

/** A failed example of a subject: its index (-1 when the schema itself could not be compiled) and why. */
export interface ExampleProblem {
  readonly index: number;
  readonly errors: string;
}

/** Bumped when what a result holds or how its key is made changes. */
const RESULT_FORMAT = 1;

/** What a remembered result depends on besides the subject: the validator and how results are kept. */
export const EXAMPLE_RESULTS_KEY = createHash("sha256")
  .update(JSON.stringify([RESULT_FORMAT, ajvVersions(), AJV_OPTIONS, SUPPORTED_FORMATS]))
  .digest("hex")
  .slice(0, 16);

const restored = new Map<string, readonly ExampleProblem[]>();
const used = new Map<string, readonly ExampleProblem[]>();

/** The hash a subject's result is remembered by, from the text of its in-process key. */
export function resultHash(key: string): string {
  return createHash("sha1").update(key).digest("base64");
}

/** The result an earlier process remembered for the subject of `hash`, if any. */
export function restoredResult(hash: string): readonly ExampleProblem[] | undefined {
  return restored.get(hash);
}

/** Notes that this process used (or computed) `problems` for the subject of `hash`, to remember it. */
export function useResult(hash: string, problems: readonly ExampleProblem[]): void {
  used.set(hash, problems);
}

/**
 * Takes the results an earlier process kept ({@link exampleResultsToKeep}, under the same
 * {@link EXAMPLE_RESULTS_KEY}); entries of another shape are ignored.
 */
export function restoreExampleResults(entries: Readonly<Record<string, unknown>>): void {
  for (const [hash, problems] of Object.entries(entries)) {
    if (Array.isArray(problems) && problems.every(isProblem)) restored.set(hash, problems);
  }
}

/** The results this process used: what the next one restores (never more than one run's worth). */
export function exampleResultsToKeep(): Record<string, readonly ExampleProblem[]> {
  return Object.fromEntries(used);
}

function isProblem(value: unknown): value is ExampleProblem {
  if (typeof value !== "object" || value === null) return false;
  const { index, errors } = value as Record<string, unknown>;
  return Number.isInteger(index) && typeof errors === "string";
}
