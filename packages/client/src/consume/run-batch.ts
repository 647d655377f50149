import type { Executor } from "../driver/executor.js";
import type { StoredEvent } from "../envelope.js";
import { PostbusDatabaseError } from "../errors/postbus-error.js";
import type { Publisher } from "../publish/publisher.js";
import { rowToEvent } from "../read/row-to-event.js";
import { type ConsumerStatements, TRY_LEASE_SQL } from "../sql/consumer-statements.js";
import type { EventRow } from "../sql/select-latest-events.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import { type UnknownEventTypePolicy, validatePayload } from "../validate/validate-payload.js";
import type { ConsumerConfig } from "./consumer-options.js";
import { inTransaction } from "./ensure-group.js";

/** Everything a batch needs, fixed for the life of a subscription. */
export interface BatchDeps {
  readonly executor: Executor;
  readonly statements: ConsumerStatements;
  /** `schema.group`: the advisory lock's key. */
  readonly lockKey: string;
  readonly config: ConsumerConfig;
  readonly publisher: Publisher;
  readonly validators: ValidatorRegistry | undefined;
  readonly unknownEventTypes: UnknownEventTypePolicy;
  /** Called after a batch commits with the channels its handlers published to. */
  readonly committed: (channels: Set<string>) => void;
  readonly signal: AbortSignal;
}

/** The group's failure bookkeeping, as read at the start of a batch. */
export interface GroupState {
  readonly failingTx: string | null;
  readonly failingId: number | null;
  readonly failingAttempts: number;
  readonly retryAt: Date | null;
  readonly redrive: boolean;
}

/** What one batch did. */
export type BatchResult =
  /** Another process holds the group's lease. */
  | { readonly kind: "busy" }
  /** The group waits to retry a failing event until `retryAt`. */
  | { readonly kind: "waiting"; readonly retryAt: Date; readonly state: GroupState }
  /** Handled and committed `count` events (0: nothing deliverable). */
  | { readonly kind: "handled"; readonly count: number; readonly state: GroupState }
  /** The handler of `events[index]` threw; the whole batch was rolled back. */
  | {
      readonly kind: "failed";
      readonly index: number;
      readonly event: StoredEvent;
      readonly attempt: number;
      readonly error: unknown;
      readonly state: GroupState;
    };

interface BatchRow extends Partial<EventRow> {
  failing_tx: string | null;
  failing_id: number | null;
  failing_attempts: number;
  waiting: boolean;
  retry_at: Date | null;
  redrive: boolean;
}

/** Thrown inside the transaction to roll it back while keeping which event failed. */
class HandlerFailure {
  constructor(
    readonly index: number,
    readonly event: StoredEvent,
    readonly attempt: number,
    readonly error: unknown,
    readonly state: GroupState,
  ) {}
}

/**
 * One batch, one transaction: take the group's lease, read up to `limit`
 * events after its cursors, call the handler for each, advance the cursors by
 * compare-and-set and commit — so the handlers' own writes commit exactly once
 * with the cursor. A handler that throws rolls everything back.
 */
export async function runBatch(deps: BatchDeps, limit: number): Promise<BatchResult> {
  const published = new Set<string>();
  try {
    const result = await inTransaction(deps.executor, async (tx): Promise<BatchResult> => {
      const lease = await tx.query<{ held: boolean }>(TRY_LEASE_SQL, [deps.lockKey]);
      if (!lease.rows[0]?.held) return { kind: "busy" };
      const { rows } = await tx.query<BatchRow>(deps.statements.readBatch, [deps.config.group, limit]);
      const head = rows[0];
      if (!head) throw missingGroup(deps.config.group);
      const state: GroupState = {
        failingTx: head.failing_tx,
        failingId: head.failing_id,
        failingAttempts: head.failing_attempts,
        retryAt: head.retry_at,
        redrive: head.redrive,
      };
      if (head.waiting && head.retry_at) return { kind: "waiting", retryAt: head.retry_at, state };
      const events = rows
        .filter((row) => row.id !== null && row.id !== undefined)
        .map((row) => rowToEvent(row as EventRow));
      if (events.length === 0) return { kind: "handled", count: 0, state };

      const scope = deps.publisher.scope(tx, published);
      for (const [index, stored] of events.entries()) {
        const failing = stored.id === state.failingId && stored.position.startsWith(`${state.failingTx}:`);
        const attempt = failing ? state.failingAttempts + 1 : 1;
        try {
          const event = await validated(deps, stored);
          await deps.config.handler(event, {
            group: deps.config.group,
            attempt,
            tx: scope,
            signal: deps.signal,
          });
        } catch (error) {
          throw new HandlerFailure(index, stored, attempt, error, state);
        }
      }
      await advance(tx, deps, events);
      return { kind: "handled", count: events.length, state };
    });
    if (result.kind === "handled" && published.size > 0) deps.committed(published);
    return result;
  } catch (caught) {
    if (caught instanceof HandlerFailure) {
      const { index, event, attempt, error, state } = caught;
      return { kind: "failed", index, event, attempt, error, state };
    }
    throw caught;
  }
}

/** Validates the payload against the registry, when there is one; the handler sees the validator's output. */
async function validated(deps: BatchDeps, event: StoredEvent): Promise<StoredEvent> {
  if (!deps.validators) return event;
  const data = await validatePayload(
    deps.validators,
    deps.unknownEventTypes,
    event.type,
    event.data,
    undefined,
  );
  if (data === event.data) return event;
  return { ...event, data, envelope: { ...event.envelope, data } };
}

async function advance(tx: Executor, deps: BatchDeps, events: readonly StoredEvent[]): Promise<void> {
  const last = new Map<string, StoredEvent>();
  for (const event of events) last.set(event.channel, event); // events are in (tx, id) order
  const channels = [...last.keys()];
  const { rows } = await tx.query<{ moved: number }>(deps.statements.advance, [
    deps.config.group,
    channels,
    channels.map((channel) => last.get(channel)!.position.split(":")[0]),
    channels.map((channel) => last.get(channel)!.id),
  ]);
  if (rows[0]?.moved !== channels.length) {
    throw new PostbusDatabaseError(
      "POSTBUS_DATABASE_ERROR",
      `The cursor of consumer group "${deps.config.group}" moved while a batch was handled; the batch was rolled back`,
      {
        subject: { group: deps.config.group },
        hint: "It will be read again; check for a reset run during the batch",
      },
    );
  }
}

function missingGroup(group: string): PostbusDatabaseError {
  return new PostbusDatabaseError(
    "POSTBUS_DATABASE_ERROR",
    `Consumer group "${group}" does not exist any more`,
    {
      subject: { group },
      hint: "It was deleted while subscribed; subscribe again to recreate it",
    },
  );
}
