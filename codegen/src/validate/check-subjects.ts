/**
 * The example check itself: each subject's examples validated with the generator's Ajv, and the
 * errors described. No ajv import at run time (types only): ajv loads where the Ajv is made.
 */
import type { Ajv2020, ErrorObject } from "ajv/dist/2020.js";
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

/**
 * Validates each subject's examples with `ajv`, which holds the model's definitions as the `$defs` of
 * the schema `modelId`: each subject's `#/$defs/<Name>` refs resolve through to them. Subjects get the
 * ids `postbus:subject/<firstId + index>`, removed again after use. Returns each subject's problems
 * (index -1 when its schema cannot be compiled).
 */
export function checkSubjects(
  ajv: Ajv2020,
  subjects: readonly SubjectToCheck[],
  describe: (errors: readonly ErrorObject[]) => string,
  modelId: string,
  firstId: number,
): ExampleProblem[][] {
  return subjects.map((subject, index) => {
    const $id = `postbus:subject/${firstId + index}`;
    const $defs: Record<string, unknown> = {};
    for (const name of subject.closure) $defs[name] = { $ref: `${modelId}#/$defs/${name}` };
    const schema = subject.schema;
    const body =
      typeof schema === "object" && schema !== null && !Array.isArray(schema) ? schema : { allOf: [schema] };
    try {
      const validate = ajv.compile({ ...body, $id, $defs });
      const problems: ExampleProblem[] = [];
      subject.examples.forEach((example, position) => {
        if (!validate(example)) problems.push({ index: position, errors: describe(validate.errors ?? []) });
      });
      return problems;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [{ index: -1, errors: `the schema cannot be compiled: ${message}` }];
    } finally {
      ajv.removeSchema($id);
    }
  });
}
