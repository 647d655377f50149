import { PostbusDatabaseError } from "../errors/postbus-error.js";

/**
 * SQLSTATEs that retrying can cure: the connection or the server went away (08, 57P01–57P03),
 * the transaction lost a race (40: serialization failure, deadlock), the server ran short of
 * something (53), or a timeout cancelled the statement or ended the session (57014, 55P03, 25P03).
 */
const TRANSIENT_SQLSTATE = /^(08|40|53)|^(57P01|57P02|57P03|57014|55P03|25P03)$/;

/**
 * True when `error` may go away by itself: a connection-level failure (no SQLSTATE, a driver
 * error underneath) or one of the transient SQLSTATEs. Everything else — a missing privilege
 * (42501), missing tables (42P01), a wrong password (28P01), a bad statement — persists until
 * someone fixes it, and retrying only hides it.
 *
 * @example
 * ```ts
 * isTransientError(permissionDenied); // false: sqlstate 42501
 * isTransientError(connectionTerminated); // true
 * ```
 */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof PostbusDatabaseError)) return false;
  if (error.code === "POSTBUS_COMMIT_UNKNOWN") return true;
  if (error.code !== "POSTBUS_DATABASE_ERROR") return false;
  if (error.sqlstate !== undefined) return TRANSIENT_SQLSTATE.test(error.sqlstate);
  return error.cause !== undefined;
}
