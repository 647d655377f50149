import { PostbusInputError } from "../errors/postbus-error.js";
import { warnOnce } from "../errors/warn-once.js";
import { type PostbusLogger, readLogger } from "../log/logger.js";
import type { PostbusTelemetry } from "../observe/telemetry/telemetry-hooks.js";
import type { PrepareContext } from "../publish/prepare-event.js";
import type { LateReply } from "../request/late-reply.js";
import { checkIntegerOption } from "../validate/check-integer.js";
import { checkJsonLimits, DEFAULT_JSON_LIMITS, type JsonLimits } from "../validate/check-json.js";
import { checkEventName, checkSchemaName } from "../validate/check-name.js";
import type { WakeListenerOptions } from "../wake/listener.js";
import type { PostbusOptions, WakeupMode } from "./postbus-options.js";

/** {@link PostbusOptions} checked once, defaults applied, frozen. */
export interface ResolvedOptions {
  readonly schema: string;
  readonly wakeups: WakeupMode;
  /** Least time between two after-commit wake-ups of this client, in ms (0: as soon as the last is answered). */
  readonly wakeupIntervalMs: number;
  readonly prepare: PrepareContext;
  readonly onBackgroundError: (error: unknown) => void;
  readonly logger: PostbusLogger;
  /** Options of the shared LISTEN connection, or false for polling only. */
  readonly listen: false | WakeListenerOptions;
  /** Whether Postbus's frequent statements are prepared (named). */
  readonly prepared: boolean;
  /** The configured telemetry, or undefined. */
  readonly telemetry: PostbusTelemetry | undefined;
  readonly requests: {
    readonly pollIntervalMs: number;
    readonly lateReplyWindowMs: number;
    readonly onLateReply: (late: LateReply) => void;
  };
}

/** Checks {@link PostbusOptions}; throws `POSTBUS_OPTIONS_INVALID` naming the option. */
export function readOptions(options: PostbusOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null || options.db === undefined) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "createPostbus needs { db }", {
      subject: { field: "db" },
      hint: "Pass a pg.Pool: createPostbus({ db: new pg.Pool({ connectionString }) })",
    });
  }
  const wakeups = options.wakeups ?? "after-commit";
  if (!["after-commit", "in-transaction", "off"].includes(wakeups)) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `Unknown wakeups mode ${JSON.stringify(wakeups)}`,
      {
        subject: { field: "wakeups" },
        hint: 'Use "after-commit", "in-transaction" or "off"',
      },
    );
  }
  const unknownEventTypes = options.unknownEventTypes ?? "allow";
  if (unknownEventTypes !== "allow" && unknownEventTypes !== "reject") {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", 'unknownEventTypes must be "allow" or "reject"', {
      subject: { field: "unknownEventTypes" },
    });
  }
  const limits: JsonLimits = Object.freeze({ ...DEFAULT_JSON_LIMITS, ...options.limits });
  checkJsonLimits(limits);
  const requests = options.requests ?? {};
  if (options.preparedStatements !== undefined && typeof options.preparedStatements !== "boolean") {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "preparedStatements must be true or false", {
      subject: { field: "preparedStatements" },
    });
  }
  const logger = readLogger(options.logger);
  const telemetry = options.telemetry;
  if (
    telemetry !== undefined &&
    (typeof telemetry !== "object" || telemetry === null || typeof telemetry.bind !== "function")
  ) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "telemetry must be a Postbus telemetry object", {
      subject: { field: "telemetry" },
      hint: 'Pass openTelemetry() from "@postbus/client/opentelemetry", or leave the option out',
    });
  }
  return Object.freeze({
    logger,
    telemetry,
    prepared: options.preparedStatements ?? true,
    requests: Object.freeze({
      pollIntervalMs: requesterOption(requests.pollIntervalMs, 500, "requests.pollIntervalMs", 1, 3_600_000),
      lateReplyWindowMs: requesterOption(
        requests.lateReplyWindowMs,
        60_000,
        "requests.lateReplyWindowMs",
        0,
        86_400_000,
      ),
      onLateReply: requests.onLateReply ?? warnLateReply,
    }),
    schema: checkSchemaName(options.schema ?? "public"),
    listen:
      options.listen === false
        ? false
        : options.listen === true || options.listen === undefined
          ? {}
          : options.listen,
    wakeups,
    wakeupIntervalMs: checkIntegerOption(options.wakeupIntervalMs, {
      field: "wakeupIntervalMs",
      fallback: 0,
      min: 0,
      max: 1_000,
      hint: "Pass a whole number of milliseconds from 0 to 1000, or leave it out",
    }),
    onBackgroundError: options.onBackgroundError ?? warnOnce("Postbus background work failed"),
    prepare: Object.freeze({
      producer: options.producer === undefined ? null : checkEventName(options.producer, "producer"),
      validators: options.validators,
      unknownEventTypes,
      limits,
    }),
  });
}

function requesterOption(
  value: number | undefined,
  fallback: number,
  field: string,
  min: number,
  max: number,
) {
  return checkIntegerOption(value, {
    fallback,
    field,
    min,
    max,
    hint: `Fix the ${field} option of createPostbus()`,
  });
}

function warnLateReply(late: LateReply): void {
  process.emitWarning(
    `Postbus: the reply ${late.reply.type} to the "${late.requestType}" request ${late.requestId} came ${late.lateByMs} ms after the request timed out`,
    { code: "POSTBUS_LATE_REPLY" },
  );
}
