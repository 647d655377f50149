import type { Executor } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { selectVersionPublishesSql } from "../sql/select-version-publishes.js";
import { describeValue } from "../validate/describe-value.js";
import type { DeprecatedPublishes } from "./postbus-status.js";

/** A contract version to count publishes of. */
export interface ContractVersionRef {
  readonly eventType: string;
  readonly version: number;
}

interface Row {
  event_type: string | null;
  version: number | null;
  producer: string | null;
  publishes: number;
  first_at: Date | null;
  last_at: Date | null;
}

/**
 * Counts, among the `window` most recent events, the publishes of each of `versions` (declared
 * in `metadata.contract_version`) per producer. One read-only statement on the primary key.
 */
export async function readVersionPublishes(
  executor: Executor,
  schema: string,
  versions: readonly ContractVersionRef[],
  window: number,
): Promise<DeprecatedPublishes> {
  const types: string[] = [];
  const numbers: number[] = [];
  for (const [index, item] of versions.entries()) {
    const eventType = (item as { eventType?: unknown } | null)?.eventType;
    const version = (item as { version?: unknown } | null)?.version;
    if (
      typeof eventType !== "string" ||
      typeof version !== "number" ||
      !Number.isInteger(version) ||
      version < 1 ||
      version > 2 ** 31 - 1
    ) {
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        `Invalid deprecatedVersions[${index}] ${describeValue(item)}`,
        {
          subject: { field: `deprecatedVersions[${index}]` },
          hint: 'Pass { eventType: "order.placed", version: 1 }',
        },
      );
    }
    types.push(eventType);
    numbers.push(version);
  }
  const { rows } = await executor.query<Row>(selectVersionPublishesSql(schema), [window, types, numbers]);
  const [summary, ...counted] = rows;
  return {
    window,
    events: summary?.publishes ?? 0,
    since: summary?.first_at ?? null,
    versions: versions
      .filter(
        (item, index) =>
          versions.findIndex(
            (other) => other.eventType === item.eventType && other.version === item.version,
          ) === index,
      )
      .map((item) => ({ eventType: item.eventType, version: item.version })),
    publishes: counted.map((row) => ({
      eventType: row.event_type ?? "",
      version: row.version ?? 0,
      producer: row.producer,
      publishes: row.publishes,
      lastPublishedAt: row.last_at ?? new Date(0),
    })),
  };
}
