import { connect, type DatabaseFlags } from "../../connect.js";
import { parseLimit } from "../../parse-limit.js";
import { positionFlag } from "../../parse-position.js";
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
  const after = flags.after === undefined ? undefined : positionFlag(flags.after, "--after");
  const connection = connect(flags);
  try {
    const events = await connection.bus.readEvents(args, {
      limit,
      ...(after === undefined ? {} : { after }),
    });
    for (const event of events) out(eventLine(event));
  } finally {
    await connection.close();
  }
}
