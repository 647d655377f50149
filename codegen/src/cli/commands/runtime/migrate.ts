import { fromPool, migrate } from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";

/** `postbus migrate`: creates or upgrades the events table; prints what it applied. */
export async function migrateCommand(flags: DatabaseFlags, out: (line: string) => void): Promise<void> {
  const connection = connect(flags);
  try {
    const result = await migrate(fromPool(connection.pool), { schema: connection.bus.schema });
    out(JSON.stringify({ schema: connection.bus.schema, applied: result.applied, version: result.version }));
  } finally {
    await connection.close();
  }
}
