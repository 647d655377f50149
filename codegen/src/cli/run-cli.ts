import { parseArgs } from "node:util";
import { isPostbusError, redactSecrets } from "@postbus/client";
import { asyncApiCommand } from "./commands/asyncapi.js";
import { buildCommand } from "./commands/build.js";
import { checkCommand } from "./commands/check.js";
import { consumeCommand } from "./commands/consume.js";
import { dlqCommand } from "./commands/dlq.js";
import { docsCommand } from "./commands/docs.js";
import { generateCommand } from "./commands/generate.js";
import { latestCommand } from "./commands/latest.js";
import { metricsCommand } from "./commands/metrics.js";
import { migrateCommand } from "./commands/migrate.js";
import { pruneCommand } from "./commands/prune.js";
import { publishCommand } from "./commands/publish.js";
import { readCommand } from "./commands/read.js";
import { requestCommand } from "./commands/request.js";
import { retentionCommand } from "./commands/retention.js";
import { scanCommand } from "./commands/scan.js";
import { statusCommand } from "./commands/status.js";
import { usageError } from "./usage-error.js";

const HELP = `postbus — typed events on one PostgreSQL events table

Usage:
  postbus migrate                              create or upgrade the events table
  postbus publish <event-type> <json>          publish one event; prints it as stored
        [--channel C] [--metadata JSON] [--producer NAME]
        [--config PATH] [--no-validate] [--allow-unknown]
                                               with a config (found upward, or --config) the
                                               payload must match its contract and an event type
                                               without one is refused; nothing is written then
  postbus request <event-type> <json>          send a request and print its reply as stored
        [--channel C] [--reply-to C] [--timeout-ms N] [--producer NAME]
        [--config PATH] [--no-validate] [--allow-unknown]   (checked like publish)
                                               (default timeout 30000 ms; an error reply is printed,
                                               then reported as POSTBUS_REPLY_ERROR)
  postbus latest <channel> [--limit N]         newest events first (default 10), JSON lines
  postbus read <channel>... [--after POS] [--limit N]
                                               replay in delivery order (default 100), JSON lines
  postbus consume <group> --channel C [--channel C2...]
        [--from beginning|now|POS|TIME] [--once] [--json]
                                               join consumer group <group>: print each event it
                                               handles as a JSON line and commit its cursor; until
                                               Ctrl-C / SIGTERM, or with --once until caught up.
                                               --from applies to channels the group does not read
                                               yet (default beginning). Counters go to stderr, or
                                               to stdout as a JSON line with --json
  postbus dlq list [--group G] [--status dead|redrive|redriven] [--limit N]
                                               dead letters, oldest first (default 100), JSON lines
  postbus dlq redrive <group> [--id ID...]     have the group's running subscription handle its
                                               dead letters (or just these) again
  postbus prune --older-than D [--dry-run] [--batch-size N] [--ignore-group G...] [--json]
                                               delete, in batches, events older than D (30d, 12h,
                                               90m…) that every consumer group reading their
                                               channel has passed; never a request awaiting its
                                               reply; dead letters keep their own copy
  postbus retention <group> hold|release       declare whether the group holds retention back
                                               (hold, the default) or prune ignores it (release)
  postbus generate [--config PATH] [--check] [--watch] [--no-build]
                                               generate the types package from the JSON Schema
                                               contracts in schemas/ (see postbus.config.json,
                                               found from the current folder upward) and build
                                               its dist/ (ESM, CJS, .d.ts; not with --no-build);
                                               --check writes nothing and exits 1 naming stale
                                               files (CI); --watch regenerates the sources on
                                               every schema change
  postbus build [--config PATH]               compile the generated package's committed sources
                                               into its dist/ without regenerating them
  postbus docs [--config PATH] [--check] [--database-url URL]
                                               write the event catalog (Markdown and a static HTML
                                               site, under the config's docs folder); with a
                                               database URL, live figures too (per event type its
                                               count, last seen, reading groups with their lag,
                                               dead letters; a consumer groups page); --check
                                               writes nothing and exits 1 naming stale files
  postbus check [--against REF] [--format text|json|github] [--database-url URL]
        [--sample N] [--max-history N] [--strict] [--changeset] [--config PATH]
                                               compare the contracts with those at REF (default
                                               HEAD, read from git): every breaking change with
                                               file:line, pointer and a counterexample payload; with
                                               a database, the stored events the new contracts
                                               reject and the groups that read them; the semver
                                               bump the release needs (--changeset writes it as
                                               a changeset). Exit 0 compatible, 1 breaking, 2
                                               usage or contract errors
  postbus scan [tsconfig.json | glob...] [--json] [--check] [--config PATH]
                                               read the application's TypeScript (the arguments,
                                               else the config's "sources") and list per event
                                               type the typed publish, subscribe, request and
                                               respond calls with file:line, then the drift from
                                               the contracts' x-postbus producers and consumers;
                                               --check exits 1 on drift
  postbus asyncapi [--config PATH] [--out FILE]
                                               the AsyncAPI 3.0 document of every channel and
                                               message, as JSON (stdout, or FILE)
  postbus status [--json | --format text|json|prometheus] [--config PATH] [--publish-window N]
                                               consumer groups (cursor, lag, failing event, dead
                                               letters), channels, request-response figures,
                                               table size, transactions holding delivery back, and
                                               publishes of deprecated contract versions per
                                               producer among the newest N events (default 10,000;
                                               deprecations from the config found upward)
  postbus status --check [--max-lag-seconds N] [--max-dead-letters N] [--max-stall-seconds N]
                                               exit 1 naming each problem: a transaction holding
                                               delivery back longer than N s (default 30), more
                                               dead letters than N per group (default 0), a next
                                               event older than N s (not checked by default)
  postbus metrics --port N [--host H] [--max-lag-seconds N] [--max-dead-letters N] [--max-stall-seconds N]
                                               serve GET /metrics (the status as Prometheus
                                               gauges, read on every scrape) and GET /healthz (200
                                               ok, or 503 naming each problem, as status --check)
                                               on H (default 127.0.0.1) until Ctrl-C / SIGTERM

Every database command takes:
  --database-url URL   or the DATABASE_URL environment variable
  --schema NAME        schema of the events table (default public)

Errors go to stderr with a stable code; exit status 1 (failure) or 2 (bad usage).
Schema problems print as file:line:column: CODE message (hint).
`;

const OPTIONS = {
  "database-url": { type: "string" },
  schema: { type: "string" },
  channel: { type: "string", multiple: true },
  metadata: { type: "string" },
  producer: { type: "string" },
  limit: { type: "string" },
  after: { type: "string" },
  from: { type: "string" },
  once: { type: "boolean" },
  json: { type: "boolean" },
  group: { type: "string" },
  status: { type: "string" },
  id: { type: "string", multiple: true },
  config: { type: "string" },
  check: { type: "boolean" },
  watch: { type: "boolean" },
  "no-build": { type: "boolean" },
  out: { type: "string" },
  "reply-to": { type: "string" },
  "timeout-ms": { type: "string" },
  against: { type: "string" },
  format: { type: "string" },
  sample: { type: "string" },
  "max-history": { type: "string" },
  "max-lag-seconds": { type: "string" },
  "max-dead-letters": { type: "string" },
  "max-stall-seconds": { type: "string" },
  strict: { type: "boolean" },
  changeset: { type: "boolean" },
  "no-validate": { type: "boolean" },
  "older-than": { type: "string" },
  "dry-run": { type: "boolean" },
  "batch-size": { type: "string" },
  "ignore-group": { type: "string", multiple: true },
  "allow-unknown": { type: "boolean" },
  "publish-window": { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Where the CLI writes: injectable so tests run it in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops a command that runs until interrupted (`consume`), like SIGINT does. */
  readonly signal?: AbortSignal;
}

/**
 * Runs the `postbus` command line and returns its exit status. Never throws:
 * errors are printed with their code and hint, with credentials removed.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { positionals, values } = parseFlags(argv);
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === "help") {
      io.out(HELP.trimEnd());
      return command === undefined && !values.help ? 2 : 0;
    }
    switch (command) {
      case "migrate":
        await migrateCommand(values, io.out);
        return 0;
      case "publish":
        await publishCommand(args, { ...values, channel: singleChannel(values.channel) }, io.out);
        return 0;
      case "request":
        await requestCommand(args, { ...values, channel: singleChannel(values.channel) }, io.out, io.signal);
        return 0;
      case "latest":
        await latestCommand(args, values, io.out);
        return 0;
      case "read":
        await readCommand(args, values, io.out);
        return 0;
      case "consume":
        return await consumeCommand(args, values, io);
      case "prune":
        await pruneCommand(args, values, io.out);
        return 0;
      case "retention":
        await retentionCommand(args, values, io.out);
        return 0;
      case "dlq":
        await dlqCommand(args, values, io.out);
        return 0;
      case "generate":
        if (args.length > 0)
          throw usageError(
            "generate takes no arguments",
            "Usage: postbus generate [--config PATH] [--check] [--watch] [--no-build]",
          );
        if (values.check && values.watch)
          throw usageError("--check and --watch exclude each other", "Use one of them");
        return await generateCommand({ ...values, build: values["no-build"] !== true }, io);
      case "build":
        if (args.length > 0)
          throw usageError("build takes no arguments", "Usage: postbus build [--config PATH]");
        return await buildCommand(values, io);
      case "docs":
        if (args.length > 0)
          throw usageError(
            "docs takes no arguments",
            "Usage: postbus docs [--config PATH] [--check] [--database-url URL]",
          );
        return await docsCommand(values, io);
      case "check":
        return await checkCommand(args, values, io);
      case "asyncapi":
        if (args.length > 0)
          throw usageError(
            "asyncapi takes no arguments",
            "Usage: postbus asyncapi [--config PATH] [--out FILE]",
          );
        return await asyncApiCommand(values, io);
      case "scan":
        return await scanCommand(args, values, io);
      case "status":
        return await statusCommand(args, values, io.out);
      case "metrics":
        return await metricsCommand(args, values, io);
      default:
        throw usageError(`Unknown command "${command}"`, "Run postbus --help for the list");
    }
  } catch (error) {
    return report(error, io);
  }
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(
      error instanceof Error ? error.message : String(error),
      "Run postbus --help for the options",
    );
  }
}

function singleChannel(channels: readonly string[] | undefined): string | undefined {
  if (channels !== undefined && channels.length > 1) {
    throw usageError("Only one --channel may be given", "An event is written to one channel");
  }
  return channels?.[0];
}

function report(error: unknown, io: CliIo): number {
  if (isPostbusError(error)) {
    // The hint is ours and never holds secrets; the message may quote the server or the driver.
    io.err(`postbus: ${error.code}: ${redactSecrets(error.reason)}${error.hint ? `. ${error.hint}` : ""}`);
    return error.code === "POSTBUS_USAGE" || error.code.startsWith("POSTBUS_CHECK_") ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(redactSecrets(`postbus: unexpected error: ${message}`));
  return 1;
}
