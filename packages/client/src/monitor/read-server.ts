import type { Executor } from "../driver/executor.js";
import type { MonitorStatements } from "../sql/monitor-statements.js";
import type { HoldingTransaction, ServerStatus } from "./postbus-status.js";

interface ServerRow {
  version: string;
  read_horizon: string;
  pid: number | null;
  database: string | null;
  application_name: string | null;
  state: string | null;
  xact_start: Date | null;
  age_seconds: number | null;
  backend_xid: string | null;
  query: string | null;
}

/** The server's version and read horizon, and the transactions holding the horizon, oldest first. */
export async function readServer(
  executor: Executor,
  statements: MonitorStatements,
): Promise<{ server: ServerStatus; holdingBack: HoldingTransaction[] }> {
  const { rows } = await executor.query<ServerRow>(statements.server);
  const head = rows[0];
  return {
    server: { version: head?.version ?? "", readHorizon: head?.read_horizon ?? "" },
    holdingBack: rows
      .filter((row) => row.backend_xid !== null)
      .map((row) => ({
        pid: row.pid,
        database: row.database,
        applicationName: row.application_name,
        state: row.state,
        xactStart: row.xact_start,
        ageSeconds: roundSeconds(row.age_seconds ?? 0),
        backendXid: row.backend_xid ?? "",
        query: row.query,
      })),
  };
}

/** Seconds to the millisecond. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
