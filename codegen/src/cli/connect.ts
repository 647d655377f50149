import { createPostbus, type Postbus, type PostbusOptions } from "@postbus/client";
import pg from "pg";
import { usageError } from "./usage-error.js";

/** Options every database command takes. */
export interface DatabaseFlags {
  readonly "database-url"?: string | undefined;
  readonly schema?: string | undefined;
}

/** A pool and a Postbus client for one command; `close()` ends both. */
export interface Connection {
  readonly pool: pg.Pool;
  readonly bus: Postbus;
  close(): Promise<void>;
}

/**
 * Opens the database named by `--database-url` or `DATABASE_URL`. When the URL
 * names no user, `PGUSER`, then `USER`, then `postgres` is used.
 */
export function connect(
  flags: DatabaseFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: Pick<PostbusOptions, "validators" | "unknownEventTypes"> = {},
): Connection {
  const url = flags["database-url"] ?? env.DATABASE_URL;
  if (!url) {
    throw usageError(
      "No database given",
      "Pass --database-url postgres://user@host:5432/db or set DATABASE_URL",
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo it: the part that fails to parse may be the password.
    throw usageError(
      `The ${flags["database-url"] === undefined ? "DATABASE_URL" : "--database-url"} value is not a valid URL`,
      "Use the form postgres://user:password@host:5432/db (percent-encode special characters in the password)",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw usageError(`The database URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const user = parsed.username ? undefined : env.PGUSER || env.USER || "postgres";
  const pool = new pg.Pool({
    connectionString: url,
    ...(user === undefined ? {} : { user }),
    max: 4,
    application_name: "postbus-cli",
  });
  // An idle client that errors (server restart) must not crash the command with an unhandled event.
  pool.on("error", () => {});
  const bus = createPostbus({
    db: pool,
    ...options,
    ...(flags.schema === undefined ? {} : { schema: flags.schema }),
  });
  return {
    pool,
    bus,
    async close() {
      await bus.close();
      await pool.end();
    },
  };
}
