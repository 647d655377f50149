import type { StoredEvent } from "../envelope.js";
import { PostbusError, PostbusInputError } from "../errors/postbus-error.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import type { DeliveredContract } from "./contract-registry.js";
import { type EventVersions, type VersionIndex, versionSchema } from "./version-index.js";

/** The metadata key Postbus writes the contract version under (an integer ≥ 1). */
export const CONTRACT_VERSION_KEY = "contract_version";

/** A stored event as the typed client delivers it. */
export type DeliveredEvent = StoredEvent & { readonly contract: DeliveredContract };

/**
 * Turns a stored event into what a typed reader gets: a renamed event type's old name becomes
 * the new one; the stored version is the one declared in `metadata.contract_version` (checked
 * against that version's schema) or, when absent or unknown, the newest version the payload
 * matches; the payload is upcast step by step to `target` (the pinned version, else the newest
 * when every older version has a chain) and validated against it. Events of types outside the
 * index pass through as stored. Throws `POSTBUS_VALIDATION_FAILED`, `POSTBUS_UPCAST_FAILED` (naming
 * the upcaster and the event's position) or `POSTBUS_VERSION_UNAVAILABLE`.
 */
export async function deliverEvent(
  index: VersionIndex,
  event: StoredEvent,
  pins: Readonly<Record<string, number>> = {},
): Promise<DeliveredEvent> {
  const versions = index.get(event.type);
  if (versions === undefined) {
    return {
      ...event,
      contract: { storedVersion: 1, source: "inferred", version: 1, storedType: event.type },
    };
  }
  const type = versions.eventType;
  const only = versions.versions.length === 1 ? versions.versions[0] : undefined;
  if (only !== undefined && type === event.type && !Object.hasOwn(pins, type)) {
    // One version, already validated against it by the runtime: nothing to match or upcast.
    const source = event.envelope.metadata?.[CONTRACT_VERSION_KEY] === only.version ? "declared" : "inferred";
    const contract = {
      storedVersion: only.version,
      source,
      version: only.version,
      storedType: type,
    } as const;
    return { ...event, contract };
  }
  const stored = await storedVersion(versions, event);
  const target =
    (Object.hasOwn(pins, type) ? pins[type] : undefined) ?? versions.defaultTarget ?? stored.version;
  const data = await upcastTo(versions, event, stored.version, stored.data, target);
  const contract: DeliveredContract = {
    storedVersion: stored.version,
    source: stored.source,
    version: target,
    storedType: event.type,
  };
  return { ...event, type, data, envelope: { ...event.envelope, event_type: type, data }, contract };
}

async function storedVersion(
  versions: EventVersions,
  event: StoredEvent,
): Promise<{ version: number; source: "declared" | "inferred"; data: unknown }> {
  const declared = event.envelope.metadata?.[CONTRACT_VERSION_KEY];
  const declaredSchema = typeof declared === "number" ? versionSchema(versions, declared) : undefined;
  if (typeof declared === "number" && declaredSchema !== undefined) {
    const result = await validate(declaredSchema, event.data);
    if (result.ok) return { version: declared, source: "declared", data: result.value };
    throw new PostbusInputError(
      "POSTBUS_VALIDATION_FAILED",
      `Event ${event.position} of type "${event.type}" declares contract version ${declared}, but its payload does not match it (${result.summary})`,
      {
        subject: { eventType: event.type, channel: event.channel, position: event.position },
        hint: "Its writer published a payload of another version under this one; fix the writer, then redrive the dead letter",
      },
    );
  }
  // Newest first: the first version the payload matches is the one it is taken for.
  for (const candidate of versions.versions) {
    const result = await validate(candidate.schema, event.data);
    if (result.ok) return { version: candidate.version, source: "inferred", data: result.value };
  }
  throw new PostbusInputError(
    "POSTBUS_VALIDATION_FAILED",
    `Event ${event.position} of type "${event.type}" matches none of its contract versions (${versions.versions.map((v) => `v${v.version}`).join(", ")})`,
    {
      subject: { eventType: event.type, channel: event.channel, position: event.position },
      hint: "A writer without the contracts stored it; read it with bus.untyped, fix it, or add the version it is",
    },
  );
}

async function upcastTo(
  versions: EventVersions,
  event: StoredEvent,
  from: number,
  data: unknown,
  target: number,
): Promise<unknown> {
  const type = versions.eventType;
  let at = from;
  let value = data;
  const seen = new Set<number>();
  while (at !== target) {
    const step = versions.versions.find((candidate) => candidate.version === at)?.upcast;
    if (step === undefined || seen.has(at)) {
      throw new PostbusError(
        "POSTBUS_VERSION_UNAVAILABLE",
        `Event ${event.position} is "${type}" v${from}, and no upcaster chain leads from v${at} to the requested v${target}`,
        {
          subject: { eventType: type, channel: event.channel, position: event.position },
          hint:
            from > target
              ? `Handlers pinned to v${target} cannot read newer events: move the handler to v${from}`
              : `Add an upcaster for ${type} v${at} next to the contracts and regenerate`,
        },
      );
    }
    seen.add(at);
    const name = `${step.upcaster} (${type} v${at} → v${step.to})`;
    let next: unknown;
    try {
      next = step.run(structuredClone(value) as never);
    } catch (cause) {
      throw upcastFailed(
        event,
        type,
        step.upcaster,
        `Upcaster ${name} threw on event ${event.position}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      );
    }
    const schema = versionSchema(versions, step.to);
    const result = schema === undefined ? { ok: true as const, value: next } : await validate(schema, next);
    if (!result.ok) {
      throw upcastFailed(
        event,
        type,
        step.upcaster,
        `Upcaster ${name} produced a payload that does not match ${type} v${step.to} for event ${event.position} (${result.summary})`,
      );
    }
    value = result.value;
    at = step.to;
  }
  return value;
}

function upcastFailed(event: StoredEvent, type: string, upcaster: string, message: string, cause?: unknown) {
  return new PostbusError("POSTBUS_UPCAST_FAILED", message, {
    subject: { eventType: type, channel: event.channel, position: event.position, upcaster },
    hint: `Fix ${upcaster} and regenerate; the event goes to the dead letters and can be redriven after the fix`,
    ...(cause === undefined ? {} : { cause }),
  });
}

type Validated =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly summary: string };

/** Runs a Standard Schema; issues become `"/data/x: message; …"`. */
export async function validate(schema: StandardSchemaV1, value: unknown): Promise<Validated> {
  const result = await schema["~standard"].validate(value);
  if (!result.issues) return { ok: true, value: result.value };
  const summary = result.issues
    .slice(0, 3)
    .map(
      (issue) =>
        `/data${(issue.path ?? []).map((key) => `/${String(typeof key === "object" ? key.key : key)}`).join("")}: ${issue.message}`,
    )
    .join("; ");
  return { ok: false, summary };
}
