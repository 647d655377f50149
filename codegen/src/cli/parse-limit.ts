import { MAX_READ_LIMIT } from "@postbus/client";
import { usageError } from "./usage-error.js";

/** Parses `--limit`: a whole number from 1 to {@link MAX_READ_LIMIT}. */
export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_READ_LIMIT) {
    throw usageError(
      `--limit must be a whole number from 1 to ${MAX_READ_LIMIT} (got ${JSON.stringify(value)})`,
    );
  }
  return Number(value);
}
