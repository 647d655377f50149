import { connect, type DatabaseFlags } from "../../connect.js";
import { type ContractFlags, writeContracts } from "../../contract-flags.js";
import { eventLine } from "../../print-event.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus publish`. */
export interface PublishFlags extends DatabaseFlags, ContractFlags {
  readonly channel?: string | undefined;
  readonly metadata?: string | undefined;
  readonly producer?: string | undefined;
}

/**
 * `postbus publish <event-type> <json>`: publishes one event and prints it as stored. When a
 * config is found (or `--config`), the payload is checked against the event type's contract and an
 * event type without one is refused (unless `--allow-unknown`); `--no-validate` skips the check.
 * A refused event writes nothing. The channel defaults to the contract's.
 */
export async function publishCommand(
  args: readonly string[],
  flags: PublishFlags,
  out: (line: string) => void,
  cwd: string = process.cwd(),
): Promise<void> {
  const [eventType, json, ...rest] = args;
  if (eventType === undefined || json === undefined || rest.length > 0) {
    throw usageError("publish takes two arguments", "Usage: postbus publish <event-type> '<json payload>'");
  }
  const data = parseJson(json, "<json payload>");
  const metadata = flags.metadata === undefined ? undefined : parseJson(flags.metadata, "--metadata");
  if (
    metadata !== undefined &&
    (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
  ) {
    throw usageError("--metadata must be a JSON object", `For example --metadata '{"correlation_id":"abc"}'`);
  }
  const contracts = await writeContracts(flags, cwd);
  const channel = flags.channel ?? contracts.channelOf(eventType);
  const connection = connect(flags, process.env, contracts.options);
  try {
    const event = await connection.bus.publish(eventType, data, {
      ...(channel === undefined ? {} : { channel }),
      metadata: {
        ...(metadata as Record<string, unknown> | undefined),
        producer: flags.producer ?? "postbus-cli",
      },
    });
    out(eventLine(event));
  } finally {
    await connection.close();
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(
      `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      `Quote it for the shell, e.g. '{"symbol":"BTC-USD"}'`,
    );
  }
}
