import { PostbusInputError } from "../errors/postbus-error.js";

/** Structured fields of a log record: what it is about (group, pid, sqlstate, …). */
export type LogFields = Readonly<Record<string, unknown>>;

/** One log method: pino's `(fields, message)` form. */
export type LogMethod = (fields: LogFields, message: string) => void;

/**
 * Where Postbus reports what it recovers from by itself (a pool client lost while idle, a
 * delivery stalled by a long transaction, a listener that fell back to polling). The shape of
 * pino's logger (`logger.warn({ group }, "message")`), so a pino or bunyan logger can be passed
 * as it is; a console-like object works through {@link consoleLogger}.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const bus = createPostbus({ db: pool, logger: pino() });
 * ```
 */
export interface PostbusLogger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

/**
 * The default logger: `warn` and `error` go to `console.warn` / `console.error` as
 * `postbus: <message>` followed by the fields; `debug` and `info` are dropped.
 *
 * @example
 * ```ts
 * consoleLogger.warn({ sqlstate: "57P01" }, "an idle pool client was lost");
 * ```
 */
export const consoleLogger: PostbusLogger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: (fields: LogFields, message: string) => console.warn(`postbus: ${message}`, fields),
  error: (fields: LogFields, message: string) => console.error(`postbus: ${message}`, fields),
});

/** Checks a `logger` option; returns {@link consoleLogger} when it is undefined. */
export function readLogger(logger: unknown, field = "logger"): PostbusLogger {
  if (logger === undefined) return consoleLogger;
  const candidate = logger as Partial<Record<keyof PostbusLogger, unknown>> | null;
  const missing = (["debug", "info", "warn", "error"] as const).filter(
    (level) => typeof candidate?.[level] !== "function",
  );
  if (typeof logger !== "object" || logger === null || missing.length > 0) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `${field} needs debug, info, warn and error methods`,
      {
        subject: { field },
        hint: "Pass a pino-compatible logger ({ debug, info, warn, error }), or leave it out for console warnings",
      },
    );
  }
  const methods = logger as PostbusLogger;
  // Bound once, so pino's methods keep their `this`, and a logger that throws cannot break Postbus.
  const safe = (level: keyof PostbusLogger): LogMethod => {
    return (fields, message) => {
      try {
        methods[level](fields, message);
      } catch {
        // A failing logger has nobody left to tell.
      }
    };
  };
  return Object.freeze({
    debug: safe("debug"),
    info: safe("info"),
    warn: safe("warn"),
    error: safe("error"),
  });
}

/** The fields that describe an error in a log record, without credentials (its message is already redacted). */
export function errorFields(error: unknown): LogFields {
  if (typeof error !== "object" || error === null) return { error: String(error) };
  const fields = error as { code?: unknown; sqlstate?: unknown; message?: unknown };
  return {
    error: typeof fields.message === "string" ? fields.message : String(error),
    ...(typeof fields.code === "string" ? { code: fields.code } : {}),
    ...(typeof fields.sqlstate === "string" ? { sqlstate: fields.sqlstate } : {}),
  };
}
