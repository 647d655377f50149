/**
 * Concurrent publishers for fault scenarios. Publisher `i` owns key `<prefix><i>` and numbers its
 * events 1, 2, 3… (`data.seq`), so a reorder within a key is visible in handling order. A share
 * of its transactions is rolled back on purpose (`data.rolledBack: true`; none may ever be seen).
 * A publish that fails (the server is down, the connection was cut) is not retried: whether it
 * committed is read from the table, which is the truth the counts use.
 */
import { createPostbus, type PublishItem } from "@postbus/client";
import pg from "pg";
import { sleep } from "./members.js";

/** Options of {@link startPublishers}. */
export interface PublishersOptions {
  readonly url: string;
  readonly publishers: number;
  /** Channels, used in turn by each publisher's events. */
  readonly channels: readonly string[];
  /** Stop after this long. */
  readonly durationMs: number;
  /** Share of transactions rolled back. Default 0.1. */
  readonly rollbackRate?: number;
  /** Largest number of events per transaction (1…max). Default 4. */
  readonly maxBatch?: number;
  /** Pause between a publisher's transactions. Default 0. */
  readonly pauseMs?: number;
  /** Key prefix. Default `"p"`. */
  readonly prefix?: string;
}

/** What the publishers did, as they saw it. */
export interface PublishStats {
  committed: number;
  rolledBack: number;
  /** Publishes that threw (outcome read from the table). */
  failed: number;
}

/** Running publishers; `done` resolves when they stop (after `durationMs`, or `stop()`). */
export interface Publishers {
  readonly stats: PublishStats;
  readonly done: Promise<PublishStats>;
  stop(): Promise<PublishStats>;
}

class RollBack extends Error {}

/** Starts the publishers on a pool of their own (ended when they stop). */
export function startPublishers(options: PublishersOptions): Publishers {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.publishers,
    application_name: "fault-publisher",
    connectionTimeoutMillis: 5_000,
  });
  pool.on("error", () => {});
  const bus = createPostbus({ db: pool, listen: false, onBackgroundError: () => {} });
  const stats: PublishStats = { committed: 0, rolledBack: 0, failed: 0 };
  const deadline = Date.now() + options.durationMs;
  let stopped = false;
  const rollbackRate = options.rollbackRate ?? 0.1;
  const maxBatch = options.maxBatch ?? 4;

  const publisher = async (index: number): Promise<void> => {
    const key = `${options.prefix ?? "p"}${index}`;
    let seq = 0;
    while (!stopped && Date.now() < deadline) {
      const size = 1 + Math.floor(Math.random() * maxBatch);
      const rolledBack = Math.random() < rollbackRate;
      const items: PublishItem[] = Array.from({ length: size }, () => {
        seq += 1;
        const channel = options.channels[seq % options.channels.length]!;
        return { type: channel, data: rolledBack ? { key, seq, rolledBack } : { key, seq } };
      });
      try {
        if (rolledBack) {
          await bus.withTransaction(async (tx) => {
            await tx.publishMany(items);
            throw new RollBack();
          });
        } else {
          await bus.publishMany(items);
          stats.committed += size;
        }
      } catch (error) {
        if (error instanceof RollBack) stats.rolledBack += size;
        else {
          stats.failed += 1;
          await sleep(50);
        }
      }
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  };

  const done = Promise.all(Array.from({ length: options.publishers }, (_, i) => publisher(i))).then(
    async () => {
      await bus.close();
      await pool.end();
      return stats;
    },
  );
  return {
    stats,
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}
