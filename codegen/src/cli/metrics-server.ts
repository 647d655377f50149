/**
 * The HTTP server of `postbus metrics`: `GET /metrics` answers the status in the Prometheus
 * text format, `GET /healthz` the health check (200 `ok`, or 503 with one problem per line);
 * a status that cannot be read is a 503 with the error's code (credentials removed), so the
 * scrape fails and `up` says so.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  checkHealth,
  type HealthThresholds,
  isPostbusError,
  type PostbusStatus,
  PROMETHEUS_CONTENT_TYPE,
  redactSecrets,
  statusToPrometheus,
} from "@postbus/client";

/** What the server reads and how it judges health. */
export interface MetricsSource {
  readonly schema: string;
  readonly readStatus: () => Promise<PostbusStatus>;
  readonly thresholds: HealthThresholds;
}

const TEXT = "text/plain; charset=utf-8";

/** Creates the server (not listening yet). */
export function createMetricsServer(source: MetricsSource): Server {
  return createServer((request, response) => {
    answer(source, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, TEXT, `${describe(error)}\n`);
      else response.destroy();
    });
  });
}

async function answer(source: MetricsSource, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path !== "/metrics" && path !== "/healthz") {
    send(response, 404, TEXT, "Not found: the endpoints are /metrics and /healthz\n");
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("Allow", "GET, HEAD");
    send(response, 405, TEXT, "Use GET\n");
    return;
  }
  let status: PostbusStatus;
  try {
    status = await source.readStatus();
  } catch (error) {
    send(response, 503, TEXT, `${describe(error)}\n`, request.method === "HEAD");
    return;
  }
  if (path === "/metrics") {
    send(
      response,
      200,
      PROMETHEUS_CONTENT_TYPE,
      statusToPrometheus(status, { schema: source.schema }),
      request.method === "HEAD",
    );
    return;
  }
  const report = checkHealth(status, source.thresholds);
  const body = report.ok
    ? "ok\n"
    : `${report.problems.map((problem) => `problem: ${problem.message}`).join("\n")}\n`;
  send(response, report.ok ? 200 : 503, TEXT, body, request.method === "HEAD");
}

function send(response: ServerResponse, code: number, type: string, body: string, headOnly = false): void {
  response.writeHead(code, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  response.end(headOnly ? undefined : body);
}

function describe(error: unknown): string {
  if (isPostbusError(error)) return `postbus: ${error.code}: ${redactSecrets(error.reason)}`;
  return redactSecrets(
    `postbus: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  );
}
