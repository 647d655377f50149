import type { StoredEvent } from "../envelope.js";
import { rowToEvent } from "../read/row-to-event.js";
import type { EventRow } from "../sql/select-latest-events.js";
import type { BatchDeps } from "./batch-deps.js";
import type { BatchScope, ClaimedBatch, FailureBook } from "./batch-scope.js";
import { serverDeadline } from "./batch-transaction.js";
import { cursorMoved, missingGroup } from "./channel-scope.js";

/** A row of `postbus_claim_partition`: like the plain claim's, plus the event's slot. */
interface PartitionRow extends Partial<EventRow> {
  held: boolean | null;
  slot: number | null;
}

/** The state row's `data`. */
interface PartitionStateJson {
  partitioned: boolean;
  partitions?: number;
  partition?: number | null;
  failing?: ReadonlyArray<{ slot: number; tx: string; id: number; attempts: number }>;
  wait_ms?: number | null;
  redrive?: boolean;
}

/** Whether a claim found the group partitioned, and how many partitions it has. */
export interface PartitionClaimInfo {
  /** The group's number of partitions at the last claim, or undefined before the first. */
  partitions: number | undefined;
  /** The partition the last batch handled. */
  partition: number | undefined;
}

/**
 * One worker of a partitioned group: each batch takes the lease of one partition that has work
 * (`postbus_claim_partition`, trying `start` first and rotating), reads its slots' events, and
 * books cursors and failures per slot. `info` says what the last claim saw.
 */
export function partitionScope(
  start: number,
  info: PartitionClaimInfo = { partitions: undefined, partition: undefined },
) {
  let next = start;
  const scope: BatchScope = {
    partitioned: true,
    async claim(deps, tx, limit) {
      const { rows } = await tx.query<PartitionRow>(
        deps.partitionStatements.claim,
        [deps.config.group, limit, deps.config.channels, deps.lockKey, serverDeadline(deps.config), next],
        { prepared: deps.prepared },
      );
      next += 1;
      const first = rows[0];
      if (!first) throw missingGroup(deps.config.group);
      if (first.held === false) return { kind: "busy" };
      const head = first.data as PartitionStateJson;
      if (!head.partitioned) return { kind: "unpartitioned" };
      info.partitions = head.partitions;
      info.partition = head.partition ?? undefined;
      const failing = new Map<string, number>();
      for (const slot of head.failing ?? []) failing.set(`${slot.tx}:${slot.id}`, slot.attempts);
      const state = { failing, redrive: head.redrive === true };
      if (rows.length === 1) {
        if (head.wait_ms !== null && head.wait_ms !== undefined)
          return { kind: "waiting", waitMs: head.wait_ms, state };
        return { kind: "handled", count: 0, state };
      }
      const events: StoredEvent[] = [];
      const slots: number[] = [];
      for (let index = 1; index < rows.length; index++) {
        const row = rows[index]!;
        events.push(rowToEvent(row as EventRow));
        slots.push(row.slot!);
      }
      return { kind: "claimed", events, state, slots };
    },

    async advance(deps, tx, batch, count) {
      // The last event handled of each (channel, slot): events of a slot come in (tx, id) order.
      const last = new Map<string, { channel: string; slot: number; event: StoredEvent }>();
      for (let index = 0; index < count; index++) {
        const event = batch.events[index]!;
        const slot = batch.slots![index]!;
        last.set(`${slot}/${event.channel}`, { channel: event.channel, slot, event });
      }
      const moves = [...last.values()];
      const { rows } = await tx.query<{ moved: number }>(
        deps.partitionStatements.advance,
        [
          deps.config.group,
          moves.map((move) => move.channel),
          moves.map((move) => move.slot),
          moves.map((move) => move.event.position.split(":")[0]),
          moves.map((move) => move.event.id),
        ],
        { prepared: deps.prepared },
      );
      if (rows[0]?.moved !== moves.length) throw cursorMoved(deps.config.group);
    },

    failures(deps: BatchDeps, batch: ClaimedBatch, index: number): FailureBook {
      const { partitionStatements: statements, config } = deps;
      const slot = batch.slots![index]!;
      return {
        async count(tx, event, eventTx, error) {
          const { rows } = await tx.query<{ failing_attempts: number }>(statements.countFailure, [
            config.group,
            slot,
            eventTx,
            event.id,
            error,
          ]);
          return rows[0]?.failing_attempts ?? 1;
        },
        async deadLetter(tx, event, eventTx, error, attempts) {
          await tx.query(statements.deadLetter, [config.group, slot, event.id, eventTx, error, attempts]);
        },
        async retry(tx, delayMs) {
          await tx.query(statements.scheduleRetry, [config.group, slot, delayMs]);
        },
      };
    },
  };
  return scope;
}
