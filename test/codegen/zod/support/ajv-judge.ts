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
  const ajv = new Ajv2020({
    strict: false,
    multipleOfPrecision: MULTIPLE_OF_PRECISION,
    allErrors: false,
    ownProperties: true,
  });
  addFormats(ajv);
  correctOverflowingMultipleOf(ajv);
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

/**
 * ajv's `multipleOf` with `multipleOfPrecision` accepts any value whose quotient overflows to Infinity
 * (1e308 / 0.01: `Math.round(Infinity) - Infinity` is NaN, and NaN > ε is false), which the
 * JSON-Schema-Test-Suite calls wrong. The judge keeps ajv's tolerance and decides an overflowing
 * quotient by the exact remainder, as the specification's answer is.
 */
function correctOverflowingMultipleOf(ajv: InstanceType<typeof Ajv2020>): void {
  ajv.removeKeyword("multipleOf");
  ajv.addKeyword({
    keyword: "multipleOf",
    type: "number",
    schemaType: "number",
    validate: (divisor: number, value: number) => {
      const quotient = value / divisor;
      if (!Number.isFinite(quotient)) return value % divisor === 0;
      return !(Math.abs(Math.round(quotient) - quotient) > Number(`1e-${MULTIPLE_OF_PRECISION}`));
    },
  });
}
