import { PostbusInputError } from "@postbus/client";

/** A command line the `postbus` command cannot run; exit code 2. */
export function usageError(message: string, hint?: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_USAGE", message, hint === undefined ? {} : { hint });
}
