import { connect, type DatabaseFlags } from "../../connect.js";
import { parseLimit } from "../../parse-limit.js";
import { eventLine } from "../../print-event.js";
import { usageError } from "../../usage-error.js";

/**
 * `postbus read <channel>... [--after POSITION] [--limit N]`: replay in
 * delivery order. Prints JSON lines; feed the last `position` back as `--after`.
 */
export async function readCommand(
  args: readonly string[],
  flags: DatabaseFlags & { readonly after?: string | undefined; readonly limit?: string | undefined },
  out: (line: string) => void,
): Promise<void> {
  if (args.length === 0) {
    throw usageError(
      "read takes one or more channels",
      "Usage: postbus read <channel>... [--after <tx>:<id>] [--limit N]",
    );
  }
  const limit = parseLimit(flags.limit, 100);
  const connection = connect(flags);
  try {
    const events = await connection.bus.readEvents(args, {
      limit,
      ...(flags.after === undefined ? {} : { after: flags.after }),
    });
    for (const event of events) out(eventLine(event));
  } finally {
    await connection.close();
  }
}
