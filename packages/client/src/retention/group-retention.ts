/**
 * A consumer group's retention flag (`postbus_groups.holds_retention`, migration 000007): whether
 * `prune` keeps the events the group has not passed. This module owns its two statements.
 */
import type { Executor } from "../driver/executor.js";
import { PostbusInputError } from "../errors/postbus-error.js";
import { checkEventName, checkSchemaName, quoteIdentifier } from "../validate/check-name.js";

/**
 * Declares whether `group` holds retention back, creating its row when the group does not exist
 * yet (it then reads nothing until it subscribes). Returns the flag as stored.
 *
 * @example
 * ```ts
 * await setGroupRetention(fromPool(pool), "analytics-replica", false, { schema: "public" });
 * ```
 */
export async function setGroupRetention(
  executor: Executor,
  group: string,
  holdsRetention: boolean,
  options: { readonly schema?: string } = {},
): Promise<boolean> {
  const name = checkEventName(group, "consumer group", { field: "group" });
  if (typeof holdsRetention !== "boolean") {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "holdsRetention must be true or false", {
      subject: { group: name, field: "holdsRetention" },
      hint: "Pass true (prune keeps what the group has not read) or false (prune ignores the group)",
    });
  }
  const schema = quoteIdentifier(checkSchemaName(options.schema ?? "public"));
  const { rows } = await executor.query<{ holds_retention: boolean }>(
    `INSERT INTO ${schema}.postbus_groups (name, holds_retention) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET holds_retention = EXCLUDED.holds_retention
RETURNING holds_retention`,
    [name, holdsRetention],
  );
  return rows[0]!.holds_retention;
}

/** The groups that declared they do not hold retention back, by name. */
export async function groupsReleasingRetention(executor: Executor, schema: string): Promise<string[]> {
  const { rows } = await executor.query<{ name: string }>(
    `SELECT name FROM ${schema}.postbus_groups WHERE NOT holds_retention ORDER BY name`,
  );
  return rows.map((row) => row.name);
}
