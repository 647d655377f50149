import { isPostbusError, redactSecrets } from "@postbus/client";
import { buildProgram, HelpShown, type ProgramSpec } from "./build-program.js";
import { paint } from "./colour.js";
import type { CliIo } from "./command-spec.js";
import { GENERATOR_COMMANDS } from "./commands/generator/index.js";
import { RUNTIME_COMMANDS } from "./commands/runtime/index.js";

export type { CliIo } from "./command-spec.js";

/** The commands of `postbus`, as the help groups them, and the examples of its help. */
const POSTBUS: ProgramSpec = {
  groups: [
    { heading: "Generator commands (the contracts in schemas/ → files):", commands: GENERATOR_COMMANDS },
    { heading: "Runtime commands (the events table):", commands: RUNTIME_COMMANDS },
  ],
  examples: [
    { command: "postbus generate --watch", says: "regenerate the types as the contracts change" },
    {
      command: "postbus migrate --database-url postgres://me@localhost:5432/app",
      says: "create the events table",
    },
    {
      command: `postbus publish signal.triggered '{"symbol":"BTC-USD"}'`,
      says: "publish one event (DATABASE_URL set)",
    },
    {
      command: "postbus consume audit --channel signal.triggered --once",
      says: "read it as consumer group audit",
    },
    { command: "postbus dlq list --group audit", says: "what audit gave up on" },
    { command: "postbus dlq redrive audit", says: "hand it back to audit" },
    { command: "postbus status", says: "groups, lag, dead letters" },
  ],
};

/**
 * Runs the `postbus` command line and returns its exit status: 0 done, 1 failed, 2 the command line
 * is wrong. Never throws: errors are printed with their code and hint, with credentials removed.
 *
 * @example
 * ```ts
 * const status = await runCli(["latest", "orders", "--limit", "5"], { out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome = { status: 0 };
  try {
    await buildProgram(POSTBUS, io, outcome).parseAsync([...argv], { from: "user" });
    return outcome.status;
  } catch (error) {
    if (error instanceof HelpShown) return 0;
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  const red = paint(io.colour?.err ?? false).red;
  if (isPostbusError(error)) {
    // The hint is ours and never holds secrets; the message may quote the server or the driver.
    io.err(
      `postbus: ${red(error.code)}: ${redactSecrets(error.reason)}${error.hint ? `. ${error.hint}` : ""}`,
    );
    return error.code === "POSTBUS_USAGE" || error.code.startsWith("POSTBUS_CHECK_") ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(redactSecrets(`postbus: ${red("unexpected error")}: ${message}`));
  return 1;
}
