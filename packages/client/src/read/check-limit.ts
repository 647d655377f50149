import { PostbusInputError } from "../errors/postbus-error.js";
import { describeValue } from "../validate/describe-value.js";

/** Largest page a single read returns. */
export const MAX_READ_LIMIT = 10_000;

/** Returns `limit` (default `fallback`) when it is an integer in 1…{@link MAX_READ_LIMIT}; throws `POSTBUS_LIMIT_INVALID`. */
export function checkLimit(limit: unknown, fallback: number): number {
  const value = limit ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_READ_LIMIT) {
    throw new PostbusInputError("POSTBUS_LIMIT_INVALID", `Invalid limit ${describeValue(limit)}`, {
      subject: { field: "limit" },
      hint: `Pass an integer from 1 to ${MAX_READ_LIMIT}`,
    });
  }
  return value;
}
