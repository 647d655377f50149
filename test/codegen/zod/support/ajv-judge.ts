/**
 * The reference validator for the differential tests: ajv's JSON Schema 2020-12 with ajv-formats (full mode),
 * `strict: false`, and the `multipleOfPrecision` the generated `multipleOf` check mirrors. Imported from the
 * codegen package, whose dependencies they are.
 */
import Ajv2020Module from "../../../../codegen/node_modules/ajv/dist/2020.js";
import addFormatsModule from "../../../../codegen/node_modules/ajv-formats/dist/index.js";
import { MULTIPLE_OF_PRECISION } from "../../../../codegen/src/emit/zod/emit-zod.js";

/**
 * ajv's verdict, or `undefined` when ajv itself throws: its deep equality (fast-deep-equal, used by
 * `enum`, `const`, `uniqueItems`) calls `valueOf()` on objects, so `{ "valueOf": true }` crashes it.
 */
type Judge = (instance: unknown) => boolean | undefined;

// CommonJS interop: under NodeNext the default import is `module.exports`, whose `default` is the class too.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** Compiles `schema` (whose `$ref`s point into `$defs`) into a predicate. */
export function ajvJudge(schema: unknown, defs: Readonly<Record<string, unknown>>): Judge {
  const ajv = new Ajv2020({ strict: false, multipleOfPrecision: MULTIPLE_OF_PRECISION, allErrors: false });
  addFormats(ajv);
  const root =
    typeof schema === "boolean" ? { $defs: defs, allOf: [schema] } : { ...(schema as object), $defs: defs };
  const validate = ajv.compile(root);
  return (instance) => {
    try {
      return validate(instance) === true;
    } catch {
      return undefined;
    }
  };
}
