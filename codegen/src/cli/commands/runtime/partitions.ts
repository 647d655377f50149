import { connect, type DatabaseFlags } from "../../connect.js";
import { usageError } from "../../usage-error.js";

const USAGE = "Usage: postbus partitions <group> <n>";

/**
 * `postbus partitions <group> <n>`: sets the number of partitions of consumer group `<group>`
 * (1…64; an unpartitioned group becomes partitioned) with `repartitionGroup`, which waits for the
 * batches in flight. Prints the change. A group that does not exist, or a number out of range, is
 * the runtime's coded error (exit 1).
 */
export async function partitionsCommand(
  args: readonly string[],
  flags: DatabaseFlags,
  out: (line: string) => void,
): Promise<void> {
  const [group, count, ...rest] = args;
  if (group === undefined || count === undefined || rest.length > 0)
    throw usageError("partitions takes a consumer group and a number of partitions", USAGE);
  if (!/^\d+$/.test(count))
    throw usageError(`The number of partitions must be a whole number (got ${JSON.stringify(count)})`, USAGE);
  const connection = connect(flags);
  try {
    const { from, to } = await connection.bus.repartitionGroup(group, Number(count));
    out(
      `${group}: ${from === null ? "unpartitioned" : `${from} partition${from === 1 ? "" : "s"}`} → ${to} partition${to === 1 ? "" : "s"}`,
    );
  } finally {
    await connection.close();
  }
}
