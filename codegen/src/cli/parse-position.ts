import { isPostbusError, parsePosition } from "@postbus/client";
import { usageError } from "./usage-error.js";

/**
 * Checks a position flag (`--after`, `--from`) on the command line: `"<tx>:<id>"`, as events carry
 * it. Anything else is a usage error (exit status 2) naming the flag, before any database is opened.
 *
 * @example
 * ```ts
 * positionFlag("7421:96", "--after"); // "7421:96"
 * positionFlag("5", "--after"); // throws POSTBUS_USAGE
 * ```
 */
export function positionFlag(value: string, flag: string, usage?: string): string {
  try {
    parsePosition(value, flag);
    return value;
  } catch (error) {
    if (!isPostbusError(error)) throw error;
    throw usageError(
      `${flag} ${JSON.stringify(value)} is not a position`,
      `Give an event's "position" (the form "<tx>:<id>", e.g. 7421:96)${usage === undefined ? "" : `. ${usage}`}`,
    );
  }
}
