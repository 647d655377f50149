import { PostbusInputError } from "../errors/postbus-error.js";
import { describeValue } from "./describe-value.js";

/**
 * Longest channel or event type name, in bytes. It is the ADR's
 * `channel VARCHAR(50)`; names are ASCII, so bytes and characters agree.
 */
export const MAX_NAME_BYTES = 50;

/**
 * Channels and event types: ASCII letters and digits, separated by single
 * `.`, `_`, `-` or `:` — e.g. `signal.triggered`, `orders:v2`, `setup-received`.
 */
const EVENT_NAME = /^[A-Za-z0-9]+(?:[._:-][A-Za-z0-9]+)*$/;

/** SQL identifiers Postbus creates (schema names): lower case, digits and `_`, at most 48 bytes. */
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

/** PostgreSQL reserves schema names starting with `pg_` (CREATE SCHEMA refuses them). */
const RESERVED_SCHEMA = /^pg_/;

/** Which kind of name is being checked, for the error message. */
export type NameKind = "channel" | "event type" | "producer" | "consumer group";

/**
 * Returns `name` when it is an allowed channel, event type, producer or group
 * name; throws {@link PostbusInputError} (`POSTBUS_NAME_INVALID` or
 * `POSTBUS_NAME_TOO_LONG`) otherwise.
 *
 * @example
 * ```ts
 * checkEventName("signal.triggered", "event type"); // "signal.triggered"
 * checkEventName("drop table", "channel"); // throws POSTBUS_NAME_INVALID
 * ```
 */
export function checkEventName(
  name: unknown,
  kind: NameKind,
  subject: { readonly field?: string; readonly index?: number } = {},
): string {
  if (typeof name === "string" && CHECKED.has(name)) return name;
  const field = subject.field ?? kind.replace(" ", "");
  if (typeof name !== "string" || !EVENT_NAME.test(name)) {
    throw new PostbusInputError("POSTBUS_NAME_INVALID", `Invalid ${kind} ${describeValue(name)}`, {
      subject: {
        ...subjectFor(kind, name),
        field,
        ...(subject.index === undefined ? {} : { index: subject.index }),
      },
      hint: `Use ASCII letters and digits separated by single '.', '_', '-' or ':' (for example "signal.triggered")`,
    });
  }
  if (name.length > MAX_NAME_BYTES) {
    throw new PostbusInputError(
      "POSTBUS_NAME_TOO_LONG",
      `The ${kind} "${name.slice(0, 20)}…" is ${name.length} bytes long; the limit is ${MAX_NAME_BYTES}`,
      {
        subject: {
          ...subjectFor(kind, name),
          field,
          ...(subject.index === undefined ? {} : { index: subject.index }),
        },
        hint: `Shorten it to at most ${MAX_NAME_BYTES} bytes (the events.channel column is VARCHAR(50))`,
      },
    );
  }
  if (CHECKED.size >= MAX_CHECKED) CHECKED.clear();
  CHECKED.add(name);
  return name;
}

/**
 * Names that passed {@link checkEventName} (the same rules for every kind), so a publish of a
 * type seen before skips the pattern match; cleared when it reaches {@link MAX_CHECKED}.
 */
const CHECKED = new Set<string>();
const MAX_CHECKED = 4_096;

/**
 * Returns `name` when it is an allowed schema name for Postbus's tables;
 * throws `POSTBUS_NAME_INVALID` otherwise. The result is safe to quote as an identifier.
 */
export function checkSchemaName(name: unknown): string {
  if (typeof name !== "string" || !SQL_IDENTIFIER.test(name)) {
    throw new PostbusInputError("POSTBUS_NAME_INVALID", `Invalid schema name ${describeValue(name)}`, {
      subject: { field: "schema" },
      hint: "Use 1–48 lower-case letters, digits and '_', starting with a letter or '_' (default: public)",
    });
  }
  if (RESERVED_SCHEMA.test(name)) {
    throw new PostbusInputError(
      "POSTBUS_NAME_INVALID",
      `The schema name "${name}" is reserved by PostgreSQL`,
      {
        subject: { field: "schema" },
        hint: "Schema names starting with pg_ belong to PostgreSQL's system catalogs; pick another name",
      },
    );
  }
  return name;
}

/** Quotes an already allow-listed identifier for use in SQL text. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function subjectFor(kind: NameKind, name: unknown) {
  // Only a string is named: anything else could run code of its own (toString) or not convert at all.
  if (typeof name !== "string") return {};
  const value = name;
  if (kind === "channel") return { channel: value };
  if (kind === "event type") return { eventType: value };
  if (kind === "consumer group") return { group: value };
  return {};
}
