import type { Executor } from "../driver/executor.js";
import type { Position } from "../read/position.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";
import type { ConsumerConfig } from "./consumer-options.js";

/**
 * The cursor each channel starts from. `"now"` is the read horizon: every event of
 * a transaction older than all running ones is skipped, everything later is delivered.
 */
export async function startPositions(
  tx: Executor,
  statements: ConsumerStatements,
  channels: readonly string[],
  from: ConsumerConfig["from"],
): Promise<Position[]> {
  if (from === "beginning") return channels.map(() => ({ tx: "0", id: 0 }));
  if (from === "now") {
    const { rows } = await tx.query<{ xmin: string }>(statements.horizon);
    return channels.map(() => ({ tx: rows[0]!.xmin, id: 0 }));
  }
  if (from instanceof Date) {
    const { rows } = await tx.query<{ channel: string; tx_text: string | null; id: number | null }>(
      statements.positionsBefore,
      [channels, from.toISOString()],
    );
    const byChannel = new Map(rows.map((row) => [row.channel, row]));
    return channels.map((channel) => {
      const row = byChannel.get(channel);
      return row?.tx_text ? { tx: row.tx_text, id: row.id ?? 0 } : { tx: "0", id: 0 };
    });
  }
  return channels.map(() => from);
}
