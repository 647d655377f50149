/**
 * A status as the Prometheus text exposition format (version 0.0.4): gauges per group and
 * channel, dead letters, the horizon's oldest holder, the table. Label values are escaped as the
 * format requires; names are fixed.
 */
import type { PostbusStatus } from "../monitor/postbus-status.js";

/** The `Content-Type` of {@link statusToPrometheus}'s output. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Renders a status as Prometheus metrics (`postbus_*`), one `# HELP`/`# TYPE` per family.
 *
 * @example
 * ```ts
 * res.setHeader("content-type", PROMETHEUS_CONTENT_TYPE);
 * res.end(statusToPrometheus(await bus.status(), { schema: bus.schema }));
 * ```
 */
export function statusToPrometheus(status: PostbusStatus, labels: { readonly schema: string }): string {
  const families: Array<{ name: string; help: string; samples: Array<[Record<string, string>, number]> }> =
    [];
  const family = (name: string, help: string) => {
    const entry = { name, help, samples: [] as Array<[Record<string, string>, number]> };
    families.push(entry);
    return (values: Record<string, string>, value: number) =>
      void entry.samples.push([{ schema: labels.schema, ...values }, value]);
  };
  const lagEvents = family(
    "postbus_group_lag_events",
    "Events after the group's cursor on the channel (capped).",
  );
  const lagSeconds = family(
    "postbus_group_lag_seconds",
    "Age of the next event the group has to handle, in seconds.",
  );
  const failing = family(
    "postbus_group_failing_attempts",
    "Failed attempts of the event the group is retrying (0: none).",
  );
  const holdsRetention = family(
    "postbus_group_holds_retention",
    "1 when prune keeps the events the group has not passed, 0 when the group declared it does not.",
  );
  const dead = family("postbus_dead_letters", "Dead letters by consumer group and status.");
  const channelEvents = family("postbus_channel_events", "Events in the channel (capped).");
  const holding = family(
    "postbus_horizon_holders",
    "Transactions holding the read horizon (delivery waits for them).",
  );
  const holdingAge = family(
    "postbus_horizon_oldest_holder_seconds",
    "Age of the oldest transaction holding the read horizon, in seconds (0: none).",
  );
  const tableBytes = family(
    "postbus_table_bytes",
    "Size of the events table with its TOAST and indexes, in bytes.",
  );
  const tableEvents = family("postbus_table_events", "Events in the table (capped per channel).");
  const deprecated = family(
    "postbus_deprecated_publishes",
    "Publishes of a deprecated contract version by a producer among the most recent events (the status's publish window).",
  );
  for (const group of status.groups) {
    for (const cursor of group.channels) {
      lagEvents({ group: group.group, channel: cursor.channel }, cursor.lagEvents);
      lagSeconds({ group: group.group, channel: cursor.channel }, cursor.lagSeconds);
    }
    failing({ group: group.group }, group.failing?.attempts ?? 0);
    holdsRetention({ group: group.group }, group.holdsRetention ? 1 : 0);
    for (const state of ["dead", "redrive", "redriven"] as const) {
      dead({ group: group.group, status: state }, group.deadLetters[state]);
    }
  }
  for (const channel of status.channels) channelEvents({ channel: channel.channel }, channel.events);
  holding({}, status.holdingBack.length);
  holdingAge({}, status.holdingBack[0]?.ageSeconds ?? 0);
  tableBytes({}, status.table.totalBytes);
  tableEvents({}, status.table.events);
  for (const item of status.deprecatedPublishes?.publishes ?? []) {
    deprecated(
      { event_type: item.eventType, version: String(item.version), producer: item.producer ?? "" },
      item.publishes,
    );
  }
  const lines: string[] = [];
  for (const { name, help, samples } of families) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [values, value] of samples) {
      const text = Object.entries(values)
        .map(([key, label]) => `${key}="${escapeLabel(label)}"`)
        .join(",");
      lines.push(`${name}{${text}} ${Number.isFinite(value) ? value : 0}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
