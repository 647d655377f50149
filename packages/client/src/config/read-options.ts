import { PostbusInputError } from "../errors/postbus-error.js";
import { warnOnce } from "../errors/warn-once.js";
import type { PrepareContext } from "../publish/prepare-event.js";
import { checkJsonLimits, DEFAULT_JSON_LIMITS, type JsonLimits } from "../validate/check-json.js";
import { checkEventName, checkSchemaName } from "../validate/check-name.js";
import type { WakeListenerOptions } from "../wake/listener.js";
import type { PostbusOptions, WakeupMode } from "./postbus-options.js";

/** {@link PostbusOptions} checked once, defaults applied, frozen. */
export interface ResolvedOptions {
  readonly schema: string;
  readonly wakeups: WakeupMode;
  readonly prepare: PrepareContext;
  readonly onBackgroundError: (error: unknown) => void;
  /** Options of the shared LISTEN connection, or false for polling only. */
  readonly listen: false | WakeListenerOptions;
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
  return Object.freeze({
    schema: checkSchemaName(options.schema ?? "public"),
    listen:
      options.listen === false
        ? false
        : options.listen === true || options.listen === undefined
          ? {}
          : options.listen,
    wakeups,
    onBackgroundError: options.onBackgroundError ?? warnOnce("Postbus background work failed"),
    prepare: Object.freeze({
      producer: options.producer === undefined ? null : checkEventName(options.producer, "producer"),
      validators: options.validators,
      unknownEventTypes,
      limits,
    }),
  });
}
