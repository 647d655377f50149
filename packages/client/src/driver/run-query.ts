import { createHash } from "node:crypto";
import type { QueryResult } from "./executor.js";
import type { PgQueryable } from "./pg-types.js";
import { toPostbusError } from "./wrap-database-error.js";

/**
 * Runs one statement on a `pg` queryable and turns driver errors into
 * {@link PostbusDatabaseError}s that keep the caller's stack.
 */
export async function runQuery<Row>(
  target: PgQueryable,
  text: string,
  values: readonly unknown[] | undefined,
  prepared = false,
): Promise<QueryResult<Row>> {
  // Captured before the await: the driver's own stack ends in socket code.
  const trace = new Error();
  const list = values === undefined ? undefined : [...values];
  try {
    const result = prepared
      ? await (target as unknown as PgNamedQueryable).query({ name: statementName(text), text, values: list })
      : await target.query(text, list);
    return { rows: result.rows as Row[], rowCount: result.rowCount };
  } catch (error) {
    throw toPostbusError(error, trace);
  }
}

/** `pg`'s config-object form of `query`: with a `name`, the statement is prepared once per connection. */
interface PgNamedQueryable {
  query(config: { name: string; text: string; values?: unknown[] | undefined }): Promise<{
    rows: unknown[];
    rowCount: number | null;
  }>;
}

const names = new Map<string, string>();

/** A stable name per statement text (`postbus_` + 20 hex digits of its SHA-1): the same text, the same name. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `postbus_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}
