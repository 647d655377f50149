import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createdMs } from "../../../packages/client/src/sql/select-latest-events.js";
import { useTestDatabase } from "../../support/test-database.js";

// createdMs computes in float8 between 1900 and 2100 and in numeric elsewhere; both must give the
// exact milliseconds (floored) that the numeric computation gives. Reads through the client, with
// instants on both sides of the range, are in reads.test.ts ("createdAt").
const db = useTestDatabase();
let pool: pg.Pool;

beforeAll(() => {
  pool = db.pool();
});

const EXACT = "floor(extract(epoch FROM t) * 1000)::float8";

describe("created_ms", () => {
  it("equals the numeric computation for 300,000 random instants from 1900 to 2100 and at every millisecond edge", async () => {
    const { rows } = await pool.query<{ checked: number; wrong: number; example: string | null }>(
      `WITH random AS (
         SELECT timestamptz '1900-01-01 00:00:00+00'
           + (random() * 6311433600)::bigint * interval '1 second'
           + floor(random() * 1000000)::int * interval '1 microsecond' AS t
         FROM generate_series(1, 300000)
       ), edges AS (
         SELECT d + u * interval '1 microsecond' AS t
         FROM unnest(ARRAY[timestamptz '1900-01-01 00:00:00+00', timestamptz '1969-12-31 23:59:59+00',
                           timestamptz '1970-01-01 00:00:00+00', timestamptz '2026-12-04 17:00:00.123+00',
                           timestamptz '2038-01-19 03:14:07+00', timestamptz '2099-12-31 23:59:58+00']) AS d,
              unnest(ARRAY[0, 1, 122999, 123000, 499999, 500000, 999000, 999999, 1000000, 1999999]) AS u
       ), instants AS (SELECT t FROM random UNION ALL SELECT t FROM edges)
       SELECT count(*)::int AS checked,
              count(*) FILTER (WHERE fast.created_ms <> ${EXACT})::int AS wrong,
              min(t::text) FILTER (WHERE fast.created_ms <> ${EXACT}) AS example
       FROM instants, LATERAL (SELECT ${createdMs("t")}) AS fast`,
    );
    expect(rows[0]).toEqual({ checked: 300_060, wrong: 0, example: null });
  });
});
