import type pg from "pg";
import { expect } from "vitest";

/**
 * The handler rows a partitioned-group test writes: `handled (n bigserial, group_name, event_id,
 * key, seq, …)`, one per handled event, `n` in the order they were written.
 */

/**
 * Checks `group`'s rows in `handled`: every id of `ids` exactly once and no other, and each key's
 * `seq` increasing in the order the rows were written.
 */
export async function expectExactlyOnceInKeyOrder(
  pool: pg.Pool,
  group: string,
  ids: readonly number[],
): Promise<void> {
  const { rows } = await pool.query<{ event_id: number; key: string; seq: number }>(
    "SELECT event_id, key, seq FROM handled WHERE group_name = $1 ORDER BY n",
    [group],
  );
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.event_id, (counts.get(row.event_id) ?? 0) + 1);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(rows.length).toBe(ids.length);
  expect(new Set(counts.keys())).toEqual(new Set(ids));
  const lastSeq = new Map<string, number>();
  const outOfOrder: string[] = [];
  for (const row of rows) {
    const before = lastSeq.get(row.key) ?? -1;
    if (row.seq <= before) outOfOrder.push(`${row.key}: ${row.seq} after ${before}`);
    lastSeq.set(row.key, row.seq);
  }
  expect(outOfOrder).toEqual([]);
}

/** How many rows `group` has in `handled`. */
export async function handledCount(pool: pg.Pool, group: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM handled WHERE group_name = $1",
    [group],
  );
  return rows[0]!.n;
}
