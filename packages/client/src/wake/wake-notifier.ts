import type { Executor } from "../driver/executor.js";
import { emitLocalCommit } from "./local-commits.js";
import { wakePayload } from "./wake-channel.js";

/**
 * The wake-up. A notifying transaction gets a transaction id, so its commit would wait for a WAL
 * flush like any write; the hint needs no durability (the events it points at committed before it
 * was sent, and readers poll as a backstop), so its own transaction commits asynchronously.
 */
const NOTIFY_SQL = "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)";

/** Delays between checks of a caller's transaction that is still running, in ms. */
const TRACK_DELAYS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000];
/** After this long a caller's transaction is no longer watched; readers' polling picks its events up. */
const TRACK_GIVE_UP_MS = 5 * 60_000;

interface Tracked {
  readonly channels: Set<string>;
  readonly since: number;
  attempt: number;
}

/**
 * Sends wake-ups for Postbus's own publishes after they commit, coalesced:
 * every channel committed while one NOTIFY is in flight goes out in the next
 * one. Publishing transactions therefore never hold PostgreSQL's global
 * notify lock at commit (measured: a NOTIFY inside every transaction costs
 * 0.71× throughput with 1 publisher, 0.40× with 8). The leading edge of a quiet spell is the
 * exception ({@link WakeNotifier.beginWrite}): a write alone at that moment notifies in its own
 * statement, and its wake-up is delivered at its commit.
 *
 * Events written inside a caller's transaction are committed when the caller
 * commits. On a node-postgres client Postbus hears that on the connection (the
 * `COMMIT` command tag; `watchTransactionEnd`), at no cost; elsewhere, or when
 * the connection ends first, their transaction ids are watched with
 * `pg_xact_status` (batched, backing off from 1 ms to 1 s) and a wake-up is
 * sent once they commit.
 */
export class WakeNotifier {
  readonly #executor: Executor;
  readonly #channel: string;
  readonly #onError: (error: unknown) => void;
  #committed = new Set<string>();
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  readonly #tracked = new Map<string, Tracked>();
  #trackTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #checking: Promise<void> | undefined;
  #closing = false;

  readonly #prepared: boolean;
  readonly #intervalMs: number;
  /** When the last wake-up was sent (`performance.now()`), or -Infinity. */
  #lastSentAt = Number.NEGATIVE_INFINITY;
  /** Writes between {@link beginWrite} and {@link endWrite}. */
  #writes = 0;

  constructor(
    executor: Executor,
    channel: string,
    onError: (error: unknown) => void,
    prepared = false,
    intervalMs = 0,
  ) {
    this.#executor = executor;
    this.#channel = channel;
    this.#onError = onError;
    this.#prepared = prepared;
    this.#intervalMs = intervalMs;
  }

  /** Channels whose events just committed: wake their readers soon. */
  committed(channels: Iterable<string>): void {
    if (this.#closed) return;
    const list = [...channels];
    for (const channel of list) this.#committed.add(channel);
    // Readers in this process hear it at once, without the round trip through the server.
    emitLocalCommit(this.#executor, this.#channel, list);
    this.#schedule();
  }

  /**
   * A write that commits on its own is about to be sent. Returns true when it should carry the
   * wake-up in its own statement (the leading edge): nothing is queued or in flight, no other
   * such write is under way, and the interval since the last wake-up has passed. Its NOTIFY then
   * goes out with its commit, a round trip sooner than one sent after it. Under load (another
   * write or wake-up in flight) the answer is false and the commit is announced by the coalesced
   * NOTIFY after it, so publishing transactions that overlap still never take the notify lock.
   * Every call is paired with {@link endWrite}.
   */
  beginWrite(): boolean {
    this.#writes += 1;
    const lead =
      !this.#closed &&
      this.#writes === 1 &&
      !this.#scheduled &&
      this.#flushing === undefined &&
      this.#committed.size === 0 &&
      performance.now() >= this.#lastSentAt + this.#intervalMs;
    if (lead) this.#lastSentAt = performance.now();
    return lead;
  }

  /**
   * The write begun with {@link beginWrite} is over: `channels` committed (undefined when it
   * failed). A leading write's wake-up went out with its commit; only this process's readers are
   * told here. Any other is announced after commit as usual.
   */
  endWrite(lead: boolean, channels: Iterable<string> | undefined): void {
    this.#writes -= 1;
    if (channels === undefined) return;
    if (!lead) {
      this.committed(channels);
      return;
    }
    if (!this.#closed) emitLocalCommit(this.#executor, this.#channel, [...channels]);
  }

  /**
   * Events written in a caller's transaction `tx` (its id) through `target`: wake readers once it
   * commits. Heard from the connection when `target` can watch its transaction's end (a
   * node-postgres client); otherwise, and when that ends without a clear outcome, asked of the
   * server with `pg_xact_status`.
   */
  pending(tx: string, channels: Iterable<string>, target?: Executor): void {
    if (this.#closed) return;
    const list = [...channels];
    const watched = target?.onTransactionEnd?.((outcome) => {
      if (outcome === "committed") this.committed(list);
      else if (outcome === "unknown") this.#track(tx, list);
    });
    if (watched !== true) this.#track(tx, list);
  }

  #track(tx: string, channels: readonly string[]): void {
    if (this.#closed) return;
    const entry = this.#tracked.get(tx) ?? { channels: new Set<string>(), since: Date.now(), attempt: 0 };
    for (const channel of channels) entry.channels.add(channel);
    entry.attempt = 0;
    this.#tracked.set(tx, entry);
    this.#scheduleTrack(TRACK_DELAYS[0]!);
  }

  /**
   * Sends what is queued and checks the watched caller transactions once more
   * (waking readers for those that committed), then stops. Watched transactions
   * still running are left to the readers' polling.
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#trackTimer) clearTimeout(this.#trackTimer);
    this.#trackTimer = undefined;
    await this.#checking;
    if (this.#tracked.size > 0) await this.#checkTracked();
    this.#closed = true;
    this.#tracked.clear();
    await this.#flushing;
    if (this.#committed.size > 0) await this.#flush();
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#committed.size > 0 && !this.#closed) this.#schedule();
      });
    };
    // Leading edge: one macrotask, so publishes that complete together share one NOTIFY; within
    // the interval after the last one, at its end (commits meanwhile share it).
    const wait = this.#lastSentAt + this.#intervalMs - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, Math.ceil(wait)).unref();
  }

  async #flush(): Promise<void> {
    const channels = this.#committed;
    if (channels.size === 0) return;
    this.#committed = new Set();
    this.#lastSentAt = performance.now();
    try {
      await this.#executor.query(NOTIFY_SQL, [this.#channel, wakePayload(channels)], {
        prepared: this.#prepared,
      });
    } catch (error) {
      this.#onError(error);
    }
  }

  #scheduleTrack(delay: number): void {
    if (this.#trackTimer || this.#closing) return;
    this.#trackTimer = setTimeout(() => {
      this.#trackTimer = undefined;
      this.#checking = this.#checkTracked().finally(() => {
        this.#checking = undefined;
      });
    }, delay);
    this.#trackTimer.unref();
  }

  async #checkTracked(): Promise<void> {
    const ids = [...this.#tracked.keys()];
    if (ids.length === 0) return;
    try {
      const { rows } = await this.#executor.query<{ tx: string; status: string | null }>(
        "SELECT x::text AS tx, pg_xact_status(x) AS status FROM unnest($1::xid8[]) AS x",
        [ids],
      );
      const now = Date.now();
      for (const row of rows) {
        const entry = this.#tracked.get(row.tx);
        if (!entry) continue;
        if (row.status === "in progress" && now - entry.since < TRACK_GIVE_UP_MS) {
          entry.attempt += 1;
          continue;
        }
        this.#tracked.delete(row.tx);
        if (row.status === "committed") this.committed(entry.channels);
      }
    } catch (error) {
      this.#onError(error);
      const now = Date.now();
      for (const [tx, entry] of this.#tracked) {
        entry.attempt += 1;
        if (now - entry.since >= TRACK_GIVE_UP_MS) this.#tracked.delete(tx);
      }
    }
    if (this.#tracked.size > 0) {
      const attempt = Math.min(...[...this.#tracked.values()].map((entry) => entry.attempt));
      this.#scheduleTrack(TRACK_DELAYS[Math.min(attempt, TRACK_DELAYS.length - 1)]!);
    }
  }
}
