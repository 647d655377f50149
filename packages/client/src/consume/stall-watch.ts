import type { Executor } from "../driver/executor.js";
import type { PostbusLogger } from "../log/logger.js";
import type { EventHub } from "../observe/event-hub.js";
import type { BlockingBackend, DeliveryStalled, SubscriptionEventMap } from "../observe/postbus-events.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";

/** What the stall check reads. */
interface StalledRow {
  channel: string;
  pid: number | null;
  database: string | null;
  application_name: string | null;
  state: string | null;
  query: string | null;
  age_seconds: number | null;
}

/** What the watch needs from a subscription. */
export interface StallWatchDeps {
  readonly executor: Executor;
  readonly statements: ConsumerStatements;
  readonly logger: PostbusLogger;
  readonly events: EventHub<SubscriptionEventMap>;
  readonly config: {
    readonly group: string;
    readonly channels: readonly string[];
    readonly stalledWarningMs: number;
  };
}

/**
 * Warns (through the logger and `delivery:stalled`, once per episode) when a group's delivery has
 * been held back by a long transaction for `stalledWarningMs`: committed events wait after the
 * cursor, but a transaction older than them is still running, so the gap-free read cannot pass
 * it. Names the blocking backend (pid, database, application_name, state, age, query) when it is
 * in `pg_stat_activity`, whichever database of the server it runs in. Checked only after a batch
 * found nothing, at most every `min(5 s, stalledWarningMs / 2)`.
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

  /**
   * Looks now: the stall, if committed events of the group wait behind a running transaction.
   * Never throws (a failed look is no stall; the loop reports its own database errors).
   */
  async check(): Promise<DeliveryStalled | undefined> {
    const { config } = this.#deps;
    let rows: StalledRow[];
    try {
      ({ rows } = await this.#deps.executor.query<StalledRow>(this.#deps.statements.stalled, [
        config.group,
        config.channels,
      ]));
    } catch {
      return undefined;
    }
    const row = rows[0];
    const now = Date.now();
    if (row === undefined) {
      this.#stalledSince = undefined;
      return undefined;
    }
    this.#stalledSince ??= now;
    const blocking: BlockingBackend | null =
      row.pid === null
        ? null
        : {
            pid: row.pid,
            database: row.database,
            applicationName: row.application_name,
            state: row.state,
            ageSeconds: Math.round((row.age_seconds ?? 0) * 1000) / 1000,
            query: row.query,
          };
    return {
      group: config.group,
      channels: rows.map((stalled) => stalled.channel),
      stalledMs: Math.max(now - this.#stalledSince, (row.age_seconds ?? 0) * 1000),
      blocking,
    };
  }

  /** A batch found nothing deliverable: maybe check why, and report a stall that lasted. Never throws. */
  async foundNothing(): Promise<void> {
    const { config } = this.#deps;
    const now = Date.now();
    if (this.#warned || now - this.#lastCheck < Math.min(5_000, config.stalledWarningMs / 2)) return;
    this.#lastCheck = now;
    const stalled = await this.check();
    if (stalled === undefined || stalled.stalledMs < config.stalledWarningMs) return;
    this.#warned = true;
    const b = stalled.blocking;
    this.#deps.logger.warn(
      {
        group: config.group,
        channels: stalled.channels,
        blockingPid: b?.pid ?? null,
        blockingDatabase: b?.database ?? null,
        blockingApplicationName: b?.applicationName ?? null,
        blockingState: b?.state ?? null,
        blockingAgeSeconds: b?.ageSeconds ?? null,
        blockingQuery: b?.query ?? null,
      },
      `delivery to consumer group "${config.group}" is held back by ${describeBlocker(b)}: events are committed but cannot be delivered until it ends (see postbus status; set idle_in_transaction_session_timeout)`,
    );
    this.#deps.events.emit("delivery:stalled", stalled);
  }
}

/** The blocking backend in words, for logs and the CLI. */
export function describeBlocker(blocking: BlockingBackend | null): string {
  if (blocking === null) return "a transaction that is not in pg_stat_activity (a prepared transaction)";
  return `backend ${blocking.pid} (application_name ${JSON.stringify(blocking.applicationName ?? "")}, database ${JSON.stringify(blocking.database ?? "?")}, ${blocking.state ?? "unknown state"}, transaction open ${Math.round(blocking.ageSeconds)} s, query ${JSON.stringify(blocking.query ?? "")})`;
}
