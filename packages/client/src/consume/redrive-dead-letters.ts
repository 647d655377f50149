import type { StoredEvent } from "../envelope.js";
import { reportFailure } from "../observe/report-failure.js";
import { rowToEvent } from "../read/row-to-event.js";
import { TRY_LEASE_WITH_DEADLINE_SQL } from "../sql/consumer-statements.js";
import type { EventRow } from "../sql/select-latest-events.js";
import type { BatchDeps } from "./batch-deps.js";
import { batchTransaction, serverDeadline } from "./batch-transaction.js";
import { callHandler } from "./call-handler.js";
import { describeError } from "./describe-error.js";
import { inTransaction } from "./ensure-group.js";
import { validated } from "./run-batch.js";

interface RedriveRow extends EventRow {
  dead_letter_id: string;
  attempts: number;
}

/**
 * Hands the group's dead letters marked for redrive to the handler again, one
 * per transaction under the group's lease, validated like any event: handled
 * ones become `redriven` together with the handler's writes; one that fails
 * again goes back to `dead` with the new error. Stops when the subscription
 * closes. Returns how many were handled.
 */
export async function redriveDeadLetters(deps: BatchDeps): Promise<number> {
  let handled = 0;
  while (!deps.signal.aborted) {
    const published = new Set<string>();
    const outcome = await inTransaction(
      deps.executor,
      async (tx) => {
        const lease = await tx.query<{ held: boolean }>(TRY_LEASE_WITH_DEADLINE_SQL, [
          deps.lockKey,
          serverDeadline(deps.config),
        ]);
        if (!lease.rows[0]?.held) return { kind: "busy" } as const;
        const { rows } = await tx.query<RedriveRow>(deps.statements.readRedrives, [
          deps.config.group,
          1,
          deps.config.channels,
        ]);
        const row = rows[0];
        if (!row) return { kind: "none" } as const;
        await tx.query("SAVEPOINT postbus_redrive");
        const stored = rowToEvent(row);
        try {
          const event: StoredEvent = await validated(deps, stored);
          let expired = false;
          const guarded: typeof tx = {
            inCallerTransaction: false,
            query: (text, values, options) => {
              if (expired) return Promise.reject(new Error("the redrive's handler timed out"));
              return tx.query(text, values, options);
            },
          };
          await callHandler(
            deps.config,
            event,
            {
              group: deps.config.group,
              attempt: row.attempts + 1,
              tx: deps.publisher.scope(guarded, published),
              signal: deps.signal,
            },
            () => {
              expired = true;
            },
          );
          await tx.query(deps.statements.redriven, [[row.dead_letter_id]]);
          return { kind: "handled", event: stored, deadLetterId: row.dead_letter_id } as const;
        } catch (error) {
          published.clear();
          await tx.query("ROLLBACK TO SAVEPOINT postbus_redrive");
          const text = describeError(error);
          await tx.query(deps.statements.redriveFailed, [row.dead_letter_id, text]);
          const failure = {
            kind: "dead-lettered",
            attempts: row.attempts + 1,
            error: text,
            cause: error,
          } as const;
          return { kind: "failed", event: stored, failure } as const;
        }
      },
      batchTransaction(deps.config),
    );
    if (outcome.kind === "handled") {
      handled += 1;
      if (published.size > 0) deps.committed(published);
      const { event, deadLetterId } = outcome;
      deps.events.emit("event:redriven", {
        group: deps.config.group,
        event,
        eventType: event.type,
        position: event.position,
        deadLetterId,
      });
      continue;
    }
    if (outcome.kind === "failed") {
      reportFailure(deps, outcome.event, outcome.failure, true);
      continue;
    }
    return handled;
  }
  return handled;
}
