/**
 * The per-file setup of a fault scenario: its own server (see fault-server.ts), one database with
 * Postbus migrated and the handler table, an observer pool, and cleanup of whatever the scenario
 * left running.
 */
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createFaultDatabase, type FaultServer, startFaultServer } from "./fault-server.js";
import { killAllMembers } from "./members.js";
import { prepareFaultDatabase } from "./outcomes.js";

/** What {@link useFaultServer} provides once `beforeAll` has run. */
export interface FaultContext {
  readonly server: FaultServer;
  /** URL of the scenario's database (direct, no proxy). */
  readonly url: string;
  /** The observer's pool: counts, probes, pg_terminate_backend. Survives restarts. */
  readonly pool: pg.Pool;
}

/** Registers the hooks; call once at the top of a `*.faults.ts` file. */
export function useFaultServer(label: string): FaultContext {
  let context: FaultContext | undefined;
  beforeAll(async () => {
    const server = await startFaultServer(label);
    const url = await createFaultDatabase(server, `faults_${label.replaceAll("-", "_")}`);
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: "fault-observer" });
    pool.on("error", () => {});
    await prepareFaultDatabase(pool);
    context = { server, url, pool };
  }, 120_000);
  afterAll(async () => {
    killAllMembers();
    await context?.pool.end().catch(() => {});
    await context?.server.dispose();
  }, 60_000);
  const ready = (): FaultContext => {
    if (!context) throw new Error("useFaultServer(): only available once beforeAll has run");
    return context;
  };
  return {
    get server() {
      return ready().server;
    },
    get url() {
      return ready().url;
    },
    get pool() {
      return ready().pool;
    },
  };
}
