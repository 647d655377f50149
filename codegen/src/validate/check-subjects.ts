/**
 * The example check itself: each subject's examples validated with the generator's Ajv, and the
 * errors described. No ajv import at run time (types only): ajv loads where the Ajv is made.
 */
import type { Ajv2020, ErrorObject } from "ajv/dist/2020.js";
import { isObject } from "../load/json-pointer.js";
import type { ExampleProblem } from "./example-results.js";

/** A subject as the check needs it: its schema, the definitions it reaches, its examples. */
export interface SubjectToCheck {
  readonly schema: unknown;
  readonly closure: readonly string[];
  readonly examples: readonly unknown[];
}

/** The first three ajv errors as `"/path message"`, joined by `; `. */
export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}

/** The schema id the model's definitions are registered under in the checker's Ajv. */
export const MODEL_ID = "postbus:model";

/**
 * Validates each subject's examples with `ajv`, which holds the model's definitions as the `$defs` of
 * the schema {@link MODEL_ID}: each subject's `#/$defs/<Name>` refs resolve through to them. Subjects
 * get the ids `postbus:subject/<firstId + index>`, removed again after use. Returns each subject's
 * problems (index -1 when its schema cannot be compiled).
 */
export function checkSubjects(
  ajv: Ajv2020,
  subjects: readonly SubjectToCheck[],
  firstId: number,
): ExampleProblem[][] {
  return subjects.map((subject, index) => {
    const $id = `postbus:subject/${firstId + index}`;
    const $defs = Object.fromEntries(
      subject.closure.map((name) => [name, { $ref: `${MODEL_ID}#/$defs/${name}` }]),
    );
    const body = isObject(subject.schema) ? subject.schema : { allOf: [subject.schema] };
    try {
      const validate = ajv.compile({ ...body, $id, $defs });
      return subject.examples.flatMap((example, position) =>
        validate(example) ? [] : [{ index: position, errors: describeErrors(validate.errors ?? []) }],
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [{ index: -1, errors: `the schema cannot be compiled: ${message}` }];
    } finally {
      ajv.removeSchema($id);
    }
  });
}
