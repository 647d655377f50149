import { PostbusInputError } from "../errors/postbus-error.js";
import { describeValue } from "../validate/describe-value.js";
import { CONTRACT_VERSION_KEY, validate } from "./deliver-event.js";
import type { VersionIndex } from "./version-index.js";

/** What publishing a deprecated contract version does: one process warning per event type (default), an error, or nothing. */
export type DeprecatedVersionPolicy = "warn" | "error" | "silent";

/**
 * The value of the contract's key field (`x-postbus.partitionKey`) in a payload, as the string
 * written to `metadata.partition_key`; undefined when the contract names none or the payload has
 * no string or finite number there (its validation reports that).
 */
function partitionKeyOf(field: string | undefined, data: unknown): string | undefined {
  if (field === undefined || typeof data !== "object" || data === null) return undefined;
  let value: unknown;
  try {
    value = (data as Record<string, unknown>)[field];
  } catch {
    return undefined; // a getter that throws: the runtime reports it
  }
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Event types whose deprecated version this process has warned about (once per process, whatever the client). */
const warned = new Set<string>();

/**
 * The metadata a typed publish writes: the caller's, plus `contract_version` — the `version` the
 * caller named, or the newest version the payload matches. Publishing a deprecated version warns
 * once per process per event type (`process.emitWarning`, code `POSTBUS_DEPRECATED_VERSION`), throws
 * that code under `"error"` before anything is written, or says nothing under `"silent"`.
 * A payload that matches no version gets no version: the runtime's validation then rejects it.
 */
export async function stampVersion(
  index: VersionIndex,
  policy: DeprecatedVersionPolicy,
  eventType: unknown,
  data: unknown,
  metadata: unknown,
  version: unknown,
  at: { readonly index?: number } = {},
): Promise<unknown> {
  const versions = typeof eventType === "string" ? index.get(eventType) : undefined;
  if (versions === undefined || versions.eventType !== eventType) return metadata;
  let chosen = versions.versions.find((candidate) => candidate.version === version);
  if (version !== undefined && chosen === undefined) {
    throw new PostbusInputError(
      "POSTBUS_OPTIONS_INVALID",
      `${describeValue(version)} is not a contract version of "${eventType}" (it has ${versions.versions.map((v) => v.version).join(", ")})`,
      {
        subject: { eventType, field: "version", ...at },
        hint: "Leave version out to publish the newest, or name one of its versions",
      },
    );
  }
  if (chosen !== undefined) {
    const result = await validate(chosen.schema, data);
    if (!result.ok) {
      throw new PostbusInputError(
        "POSTBUS_VALIDATION_FAILED",
        `Payload of "${eventType}" does not match its contract version ${chosen.version} (${result.summary})`,
        {
          subject: { eventType, field: "data", ...at },
          hint: "Fix the payload, or publish it as the version it is",
        },
      );
    }
  } else {
    for (const candidate of versions.versions) {
      if ((await validate(candidate.schema, data)).ok) {
        chosen = candidate;
        break;
      }
    }
  }
  if (chosen === undefined) return metadata;
  if (chosen.deprecated !== undefined && chosen.deprecated !== false) {
    const reason = typeof chosen.deprecated === "string" ? `: ${chosen.deprecated}` : "";
    const message = `"${eventType}" version ${chosen.version} is deprecated${reason}`;
    if (policy === "error") {
      throw new PostbusInputError("POSTBUS_DEPRECATED_VERSION", message, {
        subject: { eventType, ...at },
        hint: `Publish version ${versions.latest}, or create the client with deprecatedVersions: "warn"`,
      });
    }
    if (policy === "warn" && !warned.has(eventType)) {
      warned.add(eventType);
      process.emitWarning(`${message} (publish version ${versions.latest})`, {
        code: "POSTBUS_DEPRECATED_VERSION",
      });
    }
  }
  const stamped: Record<string, unknown> = { [CONTRACT_VERSION_KEY]: chosen.version };
  const key = partitionKeyOf(versions.entry.partitionKey, data);
  if (metadata === undefined) return key === undefined ? stamped : { ...stamped, partition_key: key };
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return metadata;
  try {
    const given = metadata as Record<string, unknown>;
    if (key !== undefined && given.partition_key === undefined) stamped.partition_key = key;
    return { ...given, ...stamped };
  } catch {
    return metadata; // a getter that throws: the runtime reports it
  }
}
