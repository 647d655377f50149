import type { AddressInfo } from "node:net";
import { fromPool, readStatus } from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { deprecatedVersions } from "../../deprecated-versions.js";
import { createMetricsServer } from "../../metrics-server.js";
import { stopOnSignals } from "../../stop-on-signals.js";
import { usageError } from "../../usage-error.js";
import { readThresholdFlags } from "./status.js";

/** Flags of `postbus metrics`. */
export interface MetricsFlags extends DatabaseFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly config?: string | undefined;
  readonly "max-lag-seconds"?: string | undefined;
  readonly "max-dead-letters"?: string | undefined;
  readonly "max-stall-seconds"?: string | undefined;
}

/** Where `metrics` writes, and what stops it besides SIGINT/SIGTERM. */
export interface MetricsIo {
  readonly out: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

const USAGE =
  "Usage: postbus metrics --port N [--host 127.0.0.1] [--config PATH] [--max-lag-seconds N] [--max-dead-letters N] [--max-stall-seconds N]";

/**
 * `postbus metrics --port N`: serves `GET /metrics` (the `postbus status` figures as Prometheus
 * gauges, read fresh on every scrape) and `GET /healthz` (the `status --check` judgement: 200 or
 * 503) on `--host` (default 127.0.0.1) until SIGINT or SIGTERM. Prints
 * `listening on http://HOST:PORT/metrics` once it accepts connections (`--port 0` picks a free port).
 */
export async function metricsCommand(
  args: readonly string[],
  flags: MetricsFlags,
  io: MetricsIo,
  cwd: string = process.cwd(),
): Promise<number> {
  if (args.length > 0) throw usageError("metrics takes no arguments", USAGE);
  const port = readPort(flags.port);
  const host = flags.host ?? "127.0.0.1";
  const thresholds = readThresholdFlags({ ...flags, check: true });
  const contracts = await deprecatedVersions(cwd, flags.config);
  const stop = stopOnSignals(io.signal);
  const connection = connect(flags);
  const executor = fromPool(connection.pool);
  const server = createMetricsServer({
    schema: connection.bus.schema,
    thresholds,
    readStatus: () =>
      readStatus(executor, {
        schema: connection.bus.schema,
        ...(contracts === undefined ? {} : { deprecatedVersions: contracts.versions }),
      }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    io.out(`listening on http://${shown}:${address.port}/metrics`);
    await stop.stopped;
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw usageError(`Cannot listen on ${host}:${port} (${String(code)})`, "Pick another --port or --host");
    }
    throw error;
  } finally {
    stop.dispose();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await connection.close();
  }
}

function readPort(text: string | undefined): number {
  if (text === undefined) throw usageError("metrics needs --port", USAGE);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw usageError(`--port must be an integer from 0 to 65535 (got ${JSON.stringify(text)})`, USAGE);
  }
  return port;
}
