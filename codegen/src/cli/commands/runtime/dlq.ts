import { type DeadLetterStatus, fromPool, listDeadLetters, requestRedrive } from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { parseLimit } from "../../parse-limit.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus dlq`. */
export interface DlqFlags extends DatabaseFlags {
  readonly group?: string | undefined;
  readonly status?: string | undefined;
  readonly limit?: string | undefined;
  readonly id?: readonly string[] | undefined;
}

const USAGE =
  "Usage: postbus dlq list [--group G] [--status dead|redrive|redriven] [--limit N], or postbus dlq redrive <group> [--id ID…]";
const STATUSES: readonly string[] = ["dead", "redrive", "redriven"];

/**
 * `postbus dlq list|redrive`: `list` prints dead letters as JSON lines, oldest
 * first (`data` is the event's envelope); `redrive <group>` marks the group's
 * dead letters (or the `--id` ones) for a running subscription to handle again
 * and prints how many it marked.
 */
export async function dlqCommand(
  args: readonly string[],
  flags: DlqFlags,
  out: (line: string) => void,
): Promise<void> {
  const [action, ...rest] = args;
  if (action === "list" && rest.length === 0) return list(flags, out);
  if (action === "redrive" && rest.length === 1) return redrive(rest[0]!, flags, out);
  throw usageError(
    action === "list" || action === "redrive"
      ? `dlq ${action} takes ${action === "list" ? "no arguments" : "one consumer group"}`
      : "dlq takes list or redrive",
    USAGE,
  );
}

async function list(flags: DlqFlags, out: (line: string) => void): Promise<void> {
  if (flags.status !== undefined && !STATUSES.includes(flags.status)) {
    throw usageError(`--status must be one of ${STATUSES.join(", ")} (got ${JSON.stringify(flags.status)})`);
  }
  const limit = parseLimit(flags.limit, 100);
  const connection = connect(flags);
  try {
    const letters = await listDeadLetters(fromPool(connection.pool), {
      schema: connection.bus.schema,
      limit,
      ...(flags.group === undefined ? {} : { group: flags.group }),
      ...(flags.status === undefined ? {} : { status: flags.status as DeadLetterStatus }),
    });
    for (const letter of letters) out(JSON.stringify(letter));
  } finally {
    await connection.close();
  }
}

async function redrive(group: string, flags: DlqFlags, out: (line: string) => void): Promise<void> {
  const bad = flags.id?.find((id) => !/^\d{1,18}$/.test(id));
  if (bad !== undefined) {
    throw usageError(`--id must be a dead letter id, a whole number (got ${JSON.stringify(bad)})`, USAGE);
  }
  const connection = connect(flags);
  try {
    const marked = await requestRedrive(fromPool(connection.pool), {
      schema: connection.bus.schema,
      group,
      ...(flags.id === undefined ? {} : { ids: flags.id }),
    });
    out(JSON.stringify({ group, marked }));
  } finally {
    await connection.close();
  }
}
