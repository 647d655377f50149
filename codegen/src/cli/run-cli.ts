import { parseArgs } from "node:util";
import { isPostbusError, redactSecrets } from "@postbus/client";
import { latestCommand } from "./commands/latest.js";
import { migrateCommand } from "./commands/migrate.js";
import { publishCommand } from "./commands/publish.js";
import { readCommand } from "./commands/read.js";
import { usageError } from "./usage-error.js";

const HELP = `postbus — typed events on one PostgreSQL events table

Usage:
  postbus migrate                              create or upgrade the events table
  postbus publish <event-type> <json>          publish one event; prints it as stored
        [--channel C] [--metadata JSON] [--producer NAME]
  postbus latest <channel> [--limit N]         newest events first (default 10), JSON lines
  postbus read <channel>... [--after POS] [--limit N]
                                               replay in delivery order (default 100), JSON lines

Every database command takes:
  --database-url URL   or the DATABASE_URL environment variable
  --schema NAME        schema of the events table (default public)

Errors go to stderr with a stable code; exit status 1 (failure) or 2 (bad usage).
`;

const OPTIONS = {
  "database-url": { type: "string" },
  schema: { type: "string" },
  channel: { type: "string" },
  metadata: { type: "string" },
  producer: { type: "string" },
  limit: { type: "string" },
  after: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Where the CLI writes: injectable so tests run it in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
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
        await publishCommand(args, values, io.out);
        return 0;
      case "latest":
        await latestCommand(args, values, io.out);
        return 0;
      case "read":
        await readCommand(args, values, io.out);
        return 0;
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

function report(error: unknown, io: CliIo): number {
  if (isPostbusError(error)) {
    // The hint is ours and never holds secrets; the message may quote the server or the driver.
    io.err(`postbus: ${error.code}: ${redactSecrets(error.reason)}${error.hint ? `. ${error.hint}` : ""}`);
    return error.code === "POSTBUS_USAGE" ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(redactSecrets(`postbus: unexpected error: ${message}`));
  return 1;
}
