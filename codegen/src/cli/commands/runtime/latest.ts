import { connect, type DatabaseFlags } from "../../connect.js";
import { parseLimit } from "../../parse-limit.js";
import { eventLine } from "../../print-event.js";
import { usageError } from "../../usage-error.js";

/** `postbus latest <channel> [--limit N]`: the newest events of a channel, newest first, as JSON lines. */
export async function latestCommand(
  args: readonly string[],
  flags: DatabaseFlags & { readonly limit?: string | undefined },
  out: (line: string) => void,
): Promise<void> {
  const [channel, ...rest] = args;
  if (channel === undefined || rest.length > 0) {
    throw usageError("latest takes one channel", "Usage: postbus latest <channel> [--limit N]");
  }
  const limit = parseLimit(flags.limit, 10);
  const connection = connect(flags);
  try {
    for (const event of await connection.bus.getLatestEvents(channel, { limit })) out(eventLine(event));
  } finally {
    await connection.close();
  }
}
