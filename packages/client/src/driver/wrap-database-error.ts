import { PostbusDatabaseError, PostbusError } from "../errors/postbus-error.js";

interface DriverErrorFields {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  table?: unknown;
  schema?: unknown;
}

// Everything between "scheme://" and the LAST "@" of the token: passwords may hold "/", ":" or "@".
const URL_WITH_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)\S*@/gi;
// key=value connection strings: password='a b' (quotes doubled inside) or password=secret.
const PASSWORD_PAIR = /(password\s*=\s*)('(?:[^']|'')*'|\S+)/gi;

/**
 * Removes credentials from any text that might quote a connection string.
 *
 * @example
 * ```ts
 * redactSecrets("connect postgres://me:p/a@ss@db:5432/app failed"); // "connect postgres://***@db:5432/app failed"
 * ```
 */
export function redactSecrets(text: string): string {
  return text.replace(URL_WITH_CREDENTIALS, "$1***@").replace(PASSWORD_PAIR, "$1***");
}

/**
 * Wraps a driver error in a {@link PostbusDatabaseError}: the SQLSTATE is kept
 * (as `sqlstate`, and on `cause`), the message is free of credentials, and the
 * stack is the caller's (captured in `trace` before the await).
 */
export function toPostbusError(error: unknown, trace: Error): PostbusError {
  if (error instanceof PostbusError) return error;
  const fields: DriverErrorFields = typeof error === "object" && error !== null ? error : {};
  const sqlstate =
    typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code) ? fields.code : undefined;
  const raw = typeof fields.message === "string" ? fields.message : String(error);
  const message = redactSecrets(raw);
  const wrapped =
    sqlstate === "42P01"
      ? new PostbusDatabaseError("POSTBUS_NOT_MIGRATED", `Postbus tables are missing: ${message}`, {
          sqlstate,
          cause: error,
          hint: "Run `postbus migrate` (or `await migrate(executor)`) against this database first",
        })
      : new PostbusDatabaseError(
          "POSTBUS_DATABASE_ERROR",
          sqlstate ? `PostgreSQL error ${sqlstate}: ${message}` : `Database connection error: ${message}`,
          { sqlstate, cause: error },
        );
  const callerFrames = trace.stack?.split("\n").slice(1).join("\n");
  if (callerFrames) wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${callerFrames}`;
  return wrapped;
}
