import type { Executor } from "../driver/executor.js";
import type { PostbusLogger } from "../log/logger.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";

/** What the stall check reads. */
interface StalledRow {
  channel: string;
  pid: number | null;
  application_name: string | null;
  state: string | null;
  age_seconds: number | null;
}

/** What the watch needs from a subscription. */
export interface StallWatchDeps {
  readonly executor: Executor;
  readonly statements: ConsumerStatements;
  readonly logger: PostbusLogger;
  readonly config: {
    readonly group: string;
    readonly channels: readonly string[];
    readonly stalledWarningMs: number;
  };
}

/**
 * Warns (through the logger, once per episode) when a group's delivery has been held back by a
 * long transaction for `stalledWarningMs`: committed events wait after the cursor, but a
 * transaction older than them is still running, so the gap-free read cannot pass it. Names the
 * blocking backend (pid, application_name, state, age) when it is in `pg_stat_activity`. Checked
 * only after a batch found nothing, at most every `min(5 s, stalledWarningMs / 2)`.
 */
export class StallWatch {
  readonly #deps: StallWatchDeps;
  #lastCheck = 0;
  #stalledSince: number | undefined;
  #warned = false;

  constructor(deps: StallWatchDeps) {
    this.#deps = deps;
  }

  /** A batch delivered events: any stall is over. */
  delivered(): void {
    this.#stalledSince = undefined;
    this.#warned = false;
  }

  /** A batch found nothing deliverable: maybe check why. Never throws. */
  async foundNothing(): Promise<void> {
    const { config } = this.#deps;
    const now = Date.now();
    if (this.#warned || now - this.#lastCheck < Math.min(5_000, config.stalledWarningMs / 2)) return;
    this.#lastCheck = now;
    let rows: StalledRow[];
    try {
      ({ rows } = await this.#deps.executor.query<StalledRow>(this.#deps.statements.stalled, [
        config.group,
        config.channels,
      ]));
    } catch {
      return; // the loop reports its own database errors
    }
    const row = rows[0];
    if (row === undefined) {
      this.#stalledSince = undefined;
      return;
    }
    this.#stalledSince ??= now;
    const stalledMs = Math.max(now - this.#stalledSince, (row.age_seconds ?? 0) * 1000);
    if (stalledMs < config.stalledWarningMs) return;
    this.#warned = true;
    const blocker =
      row.pid === null
        ? "a transaction that is not in pg_stat_activity (a prepared transaction, or another database's)"
        : `backend ${row.pid} (application_name ${JSON.stringify(row.application_name ?? "")}, ${row.state ?? "unknown state"}, transaction open ${Math.round(row.age_seconds ?? 0)} s)`;
    this.#deps.logger.warn(
      {
        group: config.group,
        channels: rows.map((stalled) => stalled.channel),
        blockingPid: row.pid,
        blockingApplicationName: row.application_name,
        blockingState: row.state,
        blockingAgeSeconds: row.age_seconds,
      },
      `delivery to consumer group "${config.group}" is held back by ${blocker}: events are committed but cannot be delivered until it ends (see postbus status; set idle_in_transaction_session_timeout)`,
    );
  }
}
