import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusDatabaseError } from "../errors/postbus-error.js";
import { rowToEvent } from "../read/row-to-event.js";
import type { EventRow } from "../sql/select-latest-events.js";
import type { BatchDeps } from "./batch-deps.js";
import type { BatchScope, FailureBook } from "./batch-scope.js";
import { sendBatchSavepoint, serverDeadline } from "./batch-transaction.js";

/**
 * A row of `claimBatch`: `held` false (another member holds the lease), true (the group's state,
 * in `data`), or null (an event).
 */
interface BatchRow extends Partial<EventRow> {
  held: boolean | null;
}

/** The group's state as `claimBatch` returns it, in the `data` of its first row. */
interface StateJson {
  failing_tx: string | null;
  failing_id: number | null;
  failing_attempts: number;
  waiting: boolean;
  wait_ms: number | null;
  redrive: boolean;
  /** Set (migration 000008) once the group is partitioned. */
  partitioned?: boolean;
}

/**
 * A batch of at least this many events read by a group that is catching up (its previous batch
 * was at least as large) and reads one channel comes in its own statement after the claim, which
 * then takes only the lease and the state. The claim function returns its rows through
 * `RETURN QUERY`, which PostgreSQL materializes first: measured here with pages of 1,000 events,
 * 5.2 ms of server time against 0.9 ms for the same rows read by a statement of their own (and
 * ~210 fresh memory pages per batch against none), well over the extra round trip. Smaller
 * batches — a consumer that keeps up — stay one round trip.
 */
const SPLIT_READ_EVENTS = 200;

/** How many events the last batch of each subscription claimed. */
const lastClaimed = new WeakMap<BatchDeps, number>();

/**
 * An unpartitioned group: one lease for the group (`postbus_claim_batch`), a cursor per channel,
 * the failing event on the group's row.
 */
export const channelScope: BatchScope = {
  partitioned: false,
  async claim(deps, tx, limit) {
    const split =
      limit >= SPLIT_READ_EVENTS &&
      deps.config.channels.length === 1 &&
      (lastClaimed.get(deps) ?? 0) >= SPLIT_READ_EVENTS;
    const claiming = tx.query<BatchRow>(
      deps.statements.claimBatch,
      [deps.config.group, split ? 0 : limit, deps.config.channels, deps.lockKey, serverDeadline(deps.config)],
      { prepared: deps.prepared },
    );
    // One statement is queued right behind the claim, so the connection sends it the moment the
    // claim is answered, without waiting for this code to run (node-postgres sends one statement
    // at a time; more than one queued is deprecated in pg 8): the split read, else the savepoint
    // — unless the last claim found nothing, as it mostly will again (a savepoint nobody needs
    // would delay that empty batch's commit). The server runs them in order, so the read is a
    // statement of its own after the lease; what it or the savepoint did is dropped when the
    // claim brings no events (the transaction then ends having written nothing).
    const reading = split ? readBatch(deps, tx, limit) : undefined;
    let savepoint = reading === undefined && lastClaimed.get(deps) !== 0 ? sendBatchSavepoint(tx) : undefined;
    const { rows } = await claiming;
    const first = rows[0];
    if (!first) throw missingGroup(deps.config.group);
    if (first.held === false) return { kind: "busy" };
    const head = first.data as StateJson;
    if (head.partitioned === true) return { kind: "partitioned" };
    const failing = new Map<string, number>();
    if (head.failing_tx !== null) failing.set(`${head.failing_tx}:${head.failing_id}`, head.failing_attempts);
    const state = { failing, redrive: head.redrive };
    if (head.waiting) return { kind: "waiting", waitMs: head.wait_ms ?? 0, state };
    const events: StoredEvent[] = [];
    if (reading !== undefined) {
      // A new statement, a new snapshot, after the lease: it reads the cursor as the lease's last
      // holder committed it, exactly like the claim's own read. The savepoint goes right behind it.
      savepoint = sendBatchSavepoint(tx);
      for (const row of (await reading).rows) events.push(rowToEvent(row));
    } else {
      for (let index = 1; index < rows.length; index++) events.push(rowToEvent(rows[index] as EventRow));
    }
    lastClaimed.set(deps, events.length);
    if (events.length === 0) return { kind: "handled", count: 0, state };
    return savepoint === undefined
      ? { kind: "claimed", events, state }
      : { kind: "claimed", events, state, savepoint };
  },

  async advance(deps, tx, batch, count, clean) {
    const last = new Map<string, StoredEvent>();
    for (let index = 0; index < count; index++) {
      const event = batch.events[index]!;
      last.set(event.channel, event); // events are in (tx, id) order
    }
    const channels = [...last.keys()];
    const { rows } = await tx.query<{ moved: number }>(
      deps.statements.advance,
      [
        deps.config.group,
        channels,
        channels.map((channel) => last.get(channel)!.position.split(":")[0]),
        channels.map((channel) => last.get(channel)!.id),
      ],
      { prepared: deps.prepared },
    );
    if (rows[0]?.moved !== channels.length) throw cursorMoved(deps.config.group);
    // The event that kept failing (always first in the batch) went through this time.
    if (clean && batch.state.failing.size > 0)
      await tx.query(deps.statements.clearFailure, [deps.config.group]);
  },

  failures(deps): FailureBook {
    const { statements, config } = deps;
    return {
      async count(tx, event, eventTx, error) {
        const { rows } = await tx.query<{ failing_attempts: number }>(statements.countFailure, [
          config.group,
          eventTx,
          event.id,
          error,
        ]);
        return rows[0]?.failing_attempts ?? 1;
      },
      async deadLetter(tx, event, eventTx, error, attempts) {
        await tx.query(statements.deadLetter, [config.group, event.id, eventTx, error, attempts]);
      },
      async retry(tx, delayMs) {
        await tx.query(statements.scheduleRetry, [config.group, delayMs]);
      },
    };
  },
};

/** The next batch of a one-channel group, read after its cursor by a statement of its own. */
function readBatch(deps: BatchDeps, tx: Executor, limit: number): Promise<{ rows: EventRow[] }> {
  const reading = tx.query<EventRow>(
    deps.statements.readAfterCursor,
    [deps.config.group, deps.config.channels[0], limit],
    { prepared: deps.prepared },
  );
  // Awaited only when the claim granted the lease; a claim that failed has the error to report.
  reading.catch(() => {});
  return reading;
}

/** The batch's compare-and-set found a cursor moved by someone else (a reset during the batch). */
export function cursorMoved(group: string): PostbusDatabaseError {
  return new PostbusDatabaseError(
    "POSTBUS_DATABASE_ERROR",
    `The cursor of consumer group "${group}" moved while a batch was handled; the batch was rolled back`,
    {
      subject: { group },
      hint: "It will be read again; check for a reset run during the batch",
    },
  );
}

/** The group's row is gone: deleted while a member was subscribed. */
export function missingGroup(group: string): PostbusDatabaseError {
  return new PostbusDatabaseError(
    "POSTBUS_DATABASE_ERROR",
    `Consumer group "${group}" does not exist any more`,
    {
      subject: { group },
      hint: "It was deleted while subscribed; subscribe again to recreate it",
    },
  );
}
