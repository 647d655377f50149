import { connect, type DatabaseFlags } from "../../connect.js";
import { usageError } from "../../usage-error.js";

const USAGE = "Usage: postbus retention <group> hold|release";

/**
 * `postbus retention <group> hold|release`: declares whether consumer group `<group>` holds
 * retention back (`hold`, the default of every group: `prune` keeps what it has not passed) or
 * not (`release`: `prune` ignores its cursors). Prints the group and its flag as stored.
 */
export async function retentionCommand(
  args: readonly string[],
  flags: DatabaseFlags,
  out: (line: string) => void,
): Promise<void> {
  const [group, mode, ...rest] = args;
  if (group === undefined || mode === undefined || rest.length > 0)
    throw usageError("retention takes a consumer group and hold or release", USAGE);
  if (mode !== "hold" && mode !== "release")
    throw usageError(`The second argument must be hold or release (got ${JSON.stringify(mode)})`, USAGE);
  const connection = connect(flags);
  try {
    const holds = await connection.bus.setGroupRetention(group, mode === "hold");
    out(
      holds
        ? `${group}: holds retention back (prune keeps the events it has not passed)`
        : `${group}: does not hold retention back (prune ignores its cursors)`,
    );
  } finally {
    await connection.close();
  }
}
