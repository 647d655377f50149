import { PostbusInputError } from "../errors/postbus-error.js";
import { describeValue } from "./describe-value.js";

/** Where an integer option sits and what is allowed. */
export interface IntegerOption {
  /** Used when the value is undefined. */
  readonly fallback: number;
  /** The option's name, for the message and the error's subject. */
  readonly field: string;
  readonly min: number;
  readonly max: number;
  /** What to do about a bad value. */
  readonly hint: string;
}

/**
 * Returns `value` (or the fallback when it is undefined) when it is an integer in
 * `min…max`; throws `POSTBUS_OPTIONS_INVALID`, `<field> must be an integer from
 * <min> to <max> (got <value>)`, otherwise.
 *
 * @example
 * ```ts
 * checkIntegerOption(undefined, { fallback: 100, field: "batchSize", min: 1, max: 10_000, hint: "…" }); // 100
 * ```
 */
export function checkIntegerOption(value: unknown, option: IntegerOption): number {
  const result = value ?? option.fallback;
  if (typeof result !== "number" || !Number.isInteger(result) || result < option.min || result > option.max) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `${option.field} must be an integer from ${option.min} to ${option.max} (got ${describeValue(value)})`,
      { subject: { field: option.field }, hint: option.hint },
    );
  }
  return result;
}
