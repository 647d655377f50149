import { PostbusReplyError } from "@postbus/client";
import { connect, type DatabaseFlags } from "../../connect.js";
import { type ContractFlags, writeContracts } from "../../contract-flags.js";
import { eventLine } from "../../print-event.js";
import { usageError } from "../../usage-error.js";

/** Flags of `postbus request`. */
export interface RequestFlags extends DatabaseFlags, ContractFlags {
  readonly channel?: string | undefined;
  readonly "reply-to"?: string | undefined;
  readonly "timeout-ms"?: string | undefined;
  readonly producer?: string | undefined;
}

/**
 * `postbus request <event-type> <json>`: sends a request, waits for its reply
 * and prints it as stored. An error reply is printed too, then reported as
 * `POSTBUS_REPLY_ERROR` (exit status 1); no reply in time is `POSTBUS_REQUEST_TIMEOUT`. The
 * request is checked against the contracts like `postbus publish` (`--no-validate`, `--allow-unknown`).
 */
export async function requestCommand(
  args: readonly string[],
  flags: RequestFlags,
  out: (line: string) => void,
  signal?: AbortSignal,
  cwd: string = process.cwd(),
): Promise<void> {
  const [eventType, json, ...rest] = args;
  if (eventType === undefined || json === undefined || rest.length > 0) {
    throw usageError(
      "request takes two arguments",
      "Usage: postbus request <event-type> '<json payload>' [--timeout-ms N] [--reply-to CHANNEL]",
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw usageError(
      `<json payload> is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      `Quote it for the shell, e.g. '{"symbol":"BTC-USD"}'`,
    );
  }
  const timeoutText = flags["timeout-ms"];
  const timeoutMs = timeoutText === undefined ? 30_000 : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw usageError(
      `--timeout-ms must be a positive integer (got ${timeoutText})`,
      "For example --timeout-ms 5000",
    );
  }
  const contracts = await writeContracts(flags, cwd);
  const channel = flags.channel ?? contracts.channelOf(eventType);
  const connection = connect(flags, process.env, contracts.options);
  try {
    const reply = await connection.bus.request(eventType, data, {
      timeoutMs,
      ...(channel === undefined ? {} : { channel }),
      ...(flags["reply-to"] === undefined ? {} : { replyTo: flags["reply-to"] }),
      ...(signal === undefined ? {} : { signal }),
      metadata: { producer: flags.producer ?? "postbus-cli" },
    });
    out(eventLine(reply));
  } catch (error) {
    if (error instanceof PostbusReplyError) out(eventLine(error.reply));
    throw error;
  } finally {
    await connection.close();
  }
}
