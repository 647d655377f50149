import { PostbusInputError } from "../errors/postbus-error.js";
import type { StandardIssue, ValidatorRegistry } from "./standard-schema.js";

/** How to treat an event type that has no validator in the registry. */
export type UnknownEventTypePolicy = "allow" | "reject";

/**
 * Validates `data` against the registry's validator for `eventType` and
 * returns the validator's output (which may apply defaults). Throws
 * `POSTBUS_VALIDATION_FAILED` naming the first failing field, or
 * `POSTBUS_UNKNOWN_EVENT_TYPE` under the `"reject"` policy.
 */
export async function validatePayload(
  registry: ValidatorRegistry | undefined,
  policy: UnknownEventTypePolicy,
  eventType: string,
  data: unknown,
  index: number | undefined,
): Promise<unknown> {
  const validator = registry?.[eventType];
  const at = index === undefined ? {} : { index };
  if (!validator) {
    if (registry && policy === "reject") {
      throw new PostbusInputError("POSTBUS_UNKNOWN_EVENT_TYPE", `No contract for event type "${eventType}"`, {
        subject: { eventType, field: "eventType", ...at },
        hint: "Add a schema for it and regenerate, or check the spelling",
      });
    }
    return data;
  }
  const result = await validator["~standard"].validate(data);
  if (!result.issues) return result.value;
  const pointer = `/data${toPointer(result.issues[0]?.path)}`;
  const summary = result.issues
    .slice(0, 5)
    .map((issue) => `${`/data${toPointer(issue.path)}`}: ${issue.message}`)
    .join("; ");
  throw new PostbusInputError(
    "POSTBUS_VALIDATION_FAILED",
    `Payload of "${eventType}" does not match its contract (${summary}${result.issues.length > 5 ? "; …" : ""})`,
    { subject: { eventType, pointer, field: "data", ...at }, hint: "Fix the payload; nothing was written" },
  );
}

function toPointer(path: StandardIssue["path"]): string {
  if (!path) return "";
  return path
    .map((segment) => {
      const key = typeof segment === "object" && segment !== null ? segment.key : segment;
      return `/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
    })
    .join("");
}
