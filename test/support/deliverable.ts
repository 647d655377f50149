import type pg from "pg";

/**
 * Waits until every event written so far is deliverable: the read horizon
 * (`pg_snapshot_xmin`) has passed the newest row's transaction. The horizon is
 * server-wide, so a transaction open anywhere on the server — another test
 * file's, another database's — holds reads back for as long as it runs.
 */
export async function deliverable(
  pool: pg.Pool | pg.PoolClient,
  schema = "public",
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT coalesce((SELECT tx FROM "${schema}".events ORDER BY tx DESC LIMIT 1) < pg_snapshot_xmin(pg_current_snapshot()), true) AS ready`,
    );
    if (rows[0].ready) return;
    if (Date.now() > deadline) throw new Error(`events in ${schema} not deliverable within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}
