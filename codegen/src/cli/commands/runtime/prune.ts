import { fromPool, pruneEvents } from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus prune`. */
export interface PruneFlags extends DatabaseFlags {
  readonly "older-than"?: string | undefined;
  readonly "dry-run"?: boolean | undefined;
  readonly "batch-size"?: string | undefined;
  readonly "ignore-group"?: readonly string[] | undefined;
  readonly json?: boolean | undefined;
}

const USAGE =
  "Usage: postbus prune --older-than <duration, e.g. 30d, 12h, 90m> [--dry-run] [--batch-size N] [--ignore-group G…] [--json]";

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * `postbus prune --older-than D`: deletes, in batches, events older than D that every consumer
 * group reading their channel has passed (but those given with `--ignore-group`), never a request
 * still waiting for its reply. `--dry-run` counts instead. Prints what it did.
 */
export async function pruneCommand(
  args: readonly string[],
  flags: PruneFlags,
  out: (line: string) => void,
): Promise<void> {
  if (args.length > 0) throw usageError("prune takes no arguments", USAGE);
  const olderThan = parseDuration(flags["older-than"]);
  const batchText = flags["batch-size"];
  if (batchText !== undefined && !/^\d+$/.test(batchText)) {
    throw usageError(`--batch-size must be a whole number (got ${JSON.stringify(batchText)})`, USAGE);
  }
  const connection = connect(flags);
  try {
    const result = await pruneEvents(fromPool(connection.pool), {
      schema: connection.bus.schema,
      olderThan,
      dryRun: flags["dry-run"] === true,
      ...(batchText === undefined ? {} : { batchSize: Number(batchText) }),
      ...(flags["ignore-group"] === undefined ? {} : { ignoreGroups: flags["ignore-group"] }),
    });
    if (flags.json) out(JSON.stringify(result));
    else
      out(
        `${result.dryRun ? "would delete" : "deleted"} ${result.deleted} event${result.deleted === 1 ? "" : "s"} written before ${result.cutoff.toISOString()} in ${result.batches} batch${result.batches === 1 ? "" : "es"} (${result.durationMs} ms)${result.ignoredGroups.length === 0 ? "" : `; ignored groups: ${result.ignoredGroups.join(", ")}`}`,
      );
  } finally {
    await connection.close();
  }
}

/** `30d`, `12h`, `90m`, `45s`, `500ms`, `2w` → ms. */
export function parseDuration(text: string | undefined): number {
  if (text === undefined) throw usageError("prune needs --older-than", USAGE);
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match)
    throw usageError(
      `--older-than must be a number and a unit (ms, s, m, h, d, w), e.g. 30d (got ${JSON.stringify(text)})`,
      USAGE,
    );
  return Number(match[1]) * UNITS[match[2]!]!;
}
