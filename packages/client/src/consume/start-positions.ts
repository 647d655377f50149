import type { Executor } from "../driver/executor.js";
import type { Position } from "../read/position.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";
import type { ConsumerConfig } from "./consumer-options.js";

/**
 * The cursor each channel starts from.
 *
 * - `"now"` is the read horizon (`pg_snapshot_xmin`): every event of a transaction older than all
 *   running ones is skipped; events of transactions still running are delivered, and so are
 *   events that committed while an older transaction was still running (a cursor cannot skip
 *   those without skipping the running one's).
 * - A `Date` starts just before the first event in delivery order written at or after it
 *   (`created_at >= date`), and never beyond the horizon: no event written after the date is
 *   skipped; events written before it that sort after that first one are delivered too.
 */
export async function startPositions(
  tx: Executor,
  statements: ConsumerStatements,
  channels: readonly string[],
  from: ConsumerConfig["from"],
): Promise<Position[]> {
  if (from === "beginning") return channels.map(() => ({ tx: "0", id: 0 }));
  if (from !== "now" && !(from instanceof Date)) return channels.map(() => from);
  const { rows } = await tx.query<{ xmin: string }>(statements.horizon);
  const horizon: Position = { tx: rows[0]!.xmin, id: 0 };
  if (from === "now") return channels.map(() => horizon);
  const firsts = await tx.query<{ channel: string; tx_text: string | null; id: number | null }>(
    statements.positionsFrom,
    [channels, from.toISOString()],
  );
  const byChannel = new Map(firsts.rows.map((row) => [row.channel, row]));
  return channels.map((channel) => {
    const first = byChannel.get(channel);
    if (!first?.tx_text || first.id === null) return horizon;
    const before: Position = { tx: first.tx_text, id: first.id - 1 };
    return compare(before, horizon) < 0 ? before : horizon;
  });
}

function compare(a: Position, b: Position): number {
  const ta = BigInt(a.tx);
  const tb = BigInt(b.tx);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id - b.id;
}
