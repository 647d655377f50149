import {
  type BlockingBackend,
  type ConsumerStats,
  type DrainResult,
  isPostbusError,
  redactSecrets,
  type StartFrom,
  type StoredEvent,
} from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { positionFlag } from "../../parse-position.js";
import { eventLine } from "../../print-event.js";
import { stopOnSignals } from "../../stop-on-signals.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus consume`. */
export interface ConsumeFlags extends DatabaseFlags {
  readonly channel?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly once?: boolean | undefined;
  readonly json?: boolean | undefined;
}

/** Where `consume` writes, and what stops it besides SIGINT/SIGTERM. */
export interface ConsumeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

const USAGE =
  "Usage: postbus consume <group> --channel C [--channel C2…] [--from beginning|now|<tx>:<id>|<ISO time>] [--once] [--json]";

/**
 * `postbus consume <group> --channel C…`: joins consumer group `<group>` and
 * prints each event it handles as a JSON line, committing the group's cursor
 * batch by batch (a line may print twice if its batch fails to commit). With
 * `--once` it handles what is deliverable now and exits; otherwise it runs
 * until SIGINT or SIGTERM, then closes the subscription and the pool. The
 * counters go to stderr when it ends, or to stdout as a JSON line with `--json`. A `--once` that
 * stops because a running transaction holds delivery back says so, naming the backend, and
 * returns exit status 1.
 */
export async function consumeCommand(
  args: readonly string[],
  flags: ConsumeFlags,
  io: ConsumeIo,
): Promise<number> {
  const [group, ...rest] = args;
  if (group === undefined || rest.length > 0) throw usageError("consume takes one consumer group", USAGE);
  const channels = flags.channel ?? [];
  if (channels.length === 0) throw usageError("consume needs at least one --channel", USAGE);
  const from = parseFrom(flags.from);
  const stop = stopOnSignals(io.signal);
  const connection = connect(flags);
  try {
    const options = {
      group,
      channels,
      ...(from === undefined ? {} : { from }),
      signal: stop.signal,
      handler: (event: StoredEvent) => io.out(eventLine(event)),
      onError: warnOnChange(io.err),
    };
    let stats: DrainResult;
    if (flags.once) {
      stats = await connection.bus.drain(options);
    } else {
      const subscription = connection.bus.subscribe(options);
      try {
        await subscription.ready;
        await stop.stopped;
      } finally {
        await subscription.close();
      }
      stats = subscription.stats;
    }
    const summary = { group, ...stats };
    if (flags.json) io.out(JSON.stringify(summary));
    else io.err(`postbus: consumer group "${group}" handled ${describeStats(stats)}`);
    if (stats.stalled === undefined) return 0;
    io.err(
      `postbus: stalled: consumer group "${group}" stopped short: committed events on ${stats.stalled.channels.join(", ")} wait behind ${describeBlocking(stats.stalled.blocking)}. End that transaction (SELECT pg_terminate_backend(pid)) and set idle_in_transaction_session_timeout; postbus status names it too`,
    );
    return 1;
  } finally {
    stop.dispose();
    await connection.close();
  }
}

function parseFrom(value: string | undefined): StartFrom | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const time = new Date(value);
    if (Number.isNaN(time.getTime()))
      throw usageError(`--from ${JSON.stringify(value)} is not a valid time`, USAGE);
    return time;
  }
  if (value === "beginning" || value === "now") return value;
  if (!/^\d+:\d+$/.test(value)) {
    throw usageError(
      `--from ${JSON.stringify(value)} is not a start: give beginning, now, a position (<tx>:<id>) or an ISO time (2025-05-01T00:00:00Z)`,
      USAGE,
    );
  }
  return positionFlag(value, "--from", USAGE);
}

/** Prints loop errors (the database unreachable, …) as warnings, each distinct one once in a row. */
function warnOnChange(err: (line: string) => void): (error: unknown) => void {
  let last: string | undefined;
  return (error) => {
    const text = isPostbusError(error)
      ? `${error.code}: ${error.reason}`
      : error instanceof Error
        ? error.message
        : String(error);
    if (text === last) return;
    last = text;
    err(redactSecrets(`postbus: warning: ${text} (retrying)`));
  };
}

function describeBlocking(blocking: BlockingBackend | null): string {
  if (blocking === null)
    return "a transaction no backend shows (a prepared transaction: see pg_prepared_xacts)";
  return `backend ${blocking.pid} (database ${JSON.stringify(blocking.database ?? "?")}, application_name ${JSON.stringify(blocking.applicationName ?? "")}, ${blocking.state ?? "unknown state"}, transaction open ${blocking.ageSeconds.toFixed(1)} s, query ${JSON.stringify(blocking.query ?? "")})`;
}

function describeStats(stats: ConsumerStats): string {
  const parts = [`${stats.handled} event${stats.handled === 1 ? "" : "s"}`];
  if (stats.redriven > 0) parts.push(`${stats.redriven} redriven`);
  if (stats.failedAttempts > 0) parts.push(`${stats.failedAttempts} failed attempts`);
  if (stats.deadLettered > 0) parts.push(`${stats.deadLettered} dead-lettered`);
  return parts.join(", ");
}
