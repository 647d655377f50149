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
): Promise<QueryResult<Row>> {
  // Captured before the await: the driver's own stack ends in socket code.
  const trace = new Error();
  try {
    const result = await target.query(text, values === undefined ? undefined : [...values]);
    return { rows: result.rows as Row[], rowCount: result.rowCount };
  } catch (error) {
    throw toPostbusError(error, trace);
  }
}
