import type pg from "pg";

/** Opens `connections` connections of a pool up front, so no measured call pays a connect. */
export async function warmPool(pool: pg.Pool, connections: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  for (const client of clients) client.release();
}
