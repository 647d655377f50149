import type { Executor } from "../driver/executor.js";
import { PostbusDatabaseError, PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import { checkSchemaName, quoteIdentifier } from "../validate/check-name.js";
import { MIGRATIONS, type Migration } from "./migrations.generated.js";

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Schema that holds Postbus's tables; created when missing. Default `public`, as in the ADR. */
  readonly schema?: string;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  readonly applied: readonly string[];
  /** The highest migration number now recorded in the database. */
  readonly version: number;
}

/**
 * `server_version_num` of PostgreSQL 14, the README's minimum: `xid8` and `pg_current_xact_id()` came in
 * 13, statistics on an expression (migration 000003) in 14.
 */
const MIN_SERVER_VERSION = 140_000;

/** First key of Postbus's advisory locks ("post" in ASCII); the second is the schema's hash. */
const LOCK_NAMESPACE = 0x706f7374;

/**
 * Creates or upgrades Postbus's tables. Idempotent, and safe when several
 * processes migrate at once: each runs in one transaction that first takes a
 * transaction-scoped advisory lock for the schema, so they queue and the
 * later ones find nothing to do. An ADR `events` table that already exists is
 * adopted: its rows stay and become deliverable.
 *
 * @example
 * ```ts
 * const { applied } = await migrate(fromPool(pool), { schema: "public" });
 * ```
 */
export async function migrate(executor: Executor, options: MigrateOptions = {}): Promise<MigrateResult> {
  const schemaName = checkSchemaName(options.schema ?? "public");
  if (!executor.transaction) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      "migrate() needs an executor that can open transactions",
      {
        subject: { field: "executor" },
        hint: "Pass fromPool(pool), not fromClient(client)",
      },
    );
  }
  const schema = quoteIdentifier(schemaName);
  return executor.transaction(async (tx) => {
    const version = await tx.query<{ version: number; name: string }>(
      "SELECT current_setting('server_version_num')::int AS version, current_setting('server_version') AS name",
    );
    if ((version.rows[0]?.version ?? 0) < MIN_SERVER_VERSION) {
      throw new PostbusDatabaseError(
        "POSTBUS_MIGRATION_FAILED",
        `PostgreSQL ${version.rows[0]?.name} is too old: Postbus needs 14 or newer (for xid8, pg_snapshot_xmin and statistics on an expression)`,
        { hint: "Upgrade the server; nothing was changed" },
      );
    }
    await tx.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCK_NAMESPACE, schemaName]);
    const exists = await tx.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schemaName]);
    if (exists.rows.length === 0) await tx.query(`CREATE SCHEMA ${schema}`);
    // Only created when missing: a least-privilege role (no CREATE on the schema) can then run
    // migrate() against an up-to-date database and find nothing to do.
    const table = await tx.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
      `${schema}.postbus_migrations`,
    ]);
    if (!table.rows[0]?.found) {
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.postbus_migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
      );
    }
    const done = await tx.query<{ id: number }>(`SELECT id FROM ${schema}.postbus_migrations`);
    const doneIds = new Set(done.rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (doneIds.has(migration.id)) continue;
      await applyMigration(tx, schema, migration);
      applied.push(migration.name);
      doneIds.add(migration.id);
    }
    return { applied, version: Math.max(0, ...doneIds) };
  });
}

async function applyMigration(tx: Executor, schema: string, migration: Migration): Promise<void> {
  // Recorded first: a concurrent migrator that somehow got past the lock fails on the key, not halfway.
  await tx.query(`INSERT INTO ${schema}.postbus_migrations (id, name) VALUES ($1, $2)`, [
    migration.id,
    migration.name,
  ]);
  try {
    await tx.query(migration.sql.replaceAll("{{schema}}", schema));
  } catch (error) {
    const sqlstate = error instanceof PostbusDatabaseError ? error.sqlstate : undefined;
    throw new PostbusDatabaseError(
      "POSTBUS_MIGRATION_FAILED",
      `Migration ${migration.name} failed${error instanceof PostbusError ? `: ${error.message}` : ""}`,
      {
        sqlstate,
        cause: error,
        hint: "Nothing was changed (the migration runs in one transaction); fix the cause and run migrate again",
      },
    );
  }
}

/** The newest migration number this version of Postbus knows. */
export const LATEST_MIGRATION = MIGRATIONS.length;
