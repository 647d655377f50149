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
    sqlstate === "42P01" ||
    (sqlstate === "42703" && /"event_id"/.test(message)) ||
    (sqlstate === "42883" && /postbus_/.test(message))
      ? new PostbusDatabaseError(
          "POSTBUS_NOT_MIGRATED",
          `Postbus tables are missing or out of date: ${message}`,
          {
            sqlstate,
            cause: error,
            hint: "Run `postbus migrate` (or `await migrate(executor)`) against this database first",
          },
        )
      : new PostbusDatabaseError(
          "POSTBUS_DATABASE_ERROR",
          sqlstate ? `PostgreSQL error ${sqlstate}: ${message}` : `Database connection error: ${message}`,
          { sqlstate, cause: error },
        );
  const callerFrames = trace.stack?.split("\n").slice(1).join("\n");
  if (callerFrames) wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${callerFrames}`;
  return wrapped;
}

/** Errors raised before a statement reached the server (no connection could be had). */
const notSent = new WeakSet<object>();

/** pg's messages for a statement refused by a client that already knows its connection is gone. */
const NOT_QUERYABLE = /is not queryable|Client was closed/;

/** Marks `error` as raised before its statement was sent (connecting failed): it certainly did nothing. */
export function markNotSent<E extends object>(error: E): E {
  notSent.add(error);
  return error;
}

/**
 * True when `error` means the connection was lost (closed, reset, the server shut down or
 * terminated the backend: class 08, 57P01, 57P02) after its statement may have reached the
 * server — so whether a statement that commits on its own committed is unknown. False for
 * errors raised while connecting, and for statements pg refused on a dead client without sending.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof PostbusDatabaseError) || notSent.has(error)) return false;
  if (error.code !== "POSTBUS_DATABASE_ERROR") return false;
  if (error.sqlstate !== undefined) return /^08|^57P0[12]$/.test(error.sqlstate);
  const cause = error.cause as { message?: unknown } | undefined;
  if (cause === undefined) return false;
  return !(typeof cause.message === "string" && NOT_QUERYABLE.test(cause.message));
}
