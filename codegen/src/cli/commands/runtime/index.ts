/** The runtime's commands: what reads and writes the events table. Each runs one function of this folder. */
import type { CommandSpec, Flags } from "../../command-spec.js";
import {
  CONFIG_OPTION,
  CONTRACT_OPTIONS,
  DATABASE_OPTIONS,
  databaseFlags,
  THRESHOLD_OPTIONS,
  thresholdFlags,
} from "../../shared-options.js";
import { usageError } from "../../usage-error.js";
import { consumeCommand } from "./consume.js";
import { dlqCommand } from "./dlq.js";
import { latestCommand } from "./latest.js";
import { metricsCommand } from "./metrics.js";
import { migrateCommand } from "./migrate.js";
import { pruneCommand } from "./prune.js";
import { publishCommand } from "./publish.js";
import { readCommand } from "./read.js";
import { requestCommand } from "./request.js";
import { retentionCommand } from "./retention.js";
import { statusCommand } from "./status.js";

const EXAMPLE_URL = "--database-url postgres://me@localhost:5432/app";

/** The runtime's commands, in the order the help lists them. */
export const RUNTIME_COMMANDS: readonly CommandSpec[] = [
  {
    name: "migrate",
    summary: "create or upgrade the events table",
    description:
      "Creates or upgrades the events table and Postbus's own tables, applying the migrations not yet recorded. Prints what it applied as JSON; safe to run again and from two processes at once.",
    options: DATABASE_OPTIONS,
    examples: [
      { command: `postbus migrate ${EXAMPLE_URL}`, says: "create the table in the public schema" },
      {
        command: "DATABASE_URL=postgres://me@localhost/app postbus migrate --schema events",
        says: "in a schema of its own",
      },
    ],
    run: async (_args, flags, io) => {
      await migrateCommand(databaseFlags(flags), io.out);
      return 0;
    },
  },
  {
    name: "publish",
    arguments: "<event-type> <json>",
    summary: "publish one event; prints it as stored",
    description:
      "Publishes one event and prints it as stored. With a config (found upward, or --config) the payload must match its contract and an event type without one is refused; nothing is written then.",
    options: [
      {
        flags: "--channel <name>",
        description: "channel to write to (default: the contract's, else the event type)",
        repeatable: true,
      },
      { flags: "--metadata <json>", description: "a JSON object merged into the envelope's metadata" },
      { flags: "--producer <name>", description: "metadata.producer (default postbus-cli)" },
      ...CONTRACT_OPTIONS,
      ...DATABASE_OPTIONS,
    ],
    examples: [
      {
        command: `postbus publish signal.triggered '{"symbol":"BTC-USD"}'`,
        says: "checked against its contract",
      },
      {
        command: `postbus publish audit.note '"hello"' --no-validate --channel audit`,
        says: "any JSON, unchecked",
      },
    ],
    run: async (args, flags, io) => {
      await publishCommand(
        args,
        {
          ...databaseFlags(flags),
          ...contractFlags(flags),
          channel: singleChannel(flags),
          metadata: flags.string("metadata"),
          producer: flags.string("producer"),
        },
        io.out,
        io.cwd,
      );
      return 0;
    },
  },
  {
    name: "request",
    arguments: "<event-type> <json>",
    summary: "send a request; print its reply as stored",
    description:
      "Sends a request, waits for its reply and prints it as stored. An error reply is printed, then reported as POSTBUS_REPLY_ERROR (exit 1); no reply in time is POSTBUS_REQUEST_TIMEOUT. Checked like publish.",
    options: [
      {
        flags: "--channel <name>",
        description: "channel of the request (default: the contract's)",
        repeatable: true,
      },
      { flags: "--reply-to <channel>", description: "channel the reply is written to" },
      { flags: "--timeout-ms <n>", description: "how long to wait for the reply (default 30000)" },
      { flags: "--producer <name>", description: "metadata.producer (default postbus-cli)" },
      ...CONTRACT_OPTIONS,
      ...DATABASE_OPTIONS,
    ],
    examples: [
      {
        command: `postbus request risk.check.requested '{"setupId":"…"}' --timeout-ms 5000`,
        says: "wait 5 s at most",
      },
    ],
    run: async (args, flags, io) => {
      await requestCommand(
        args,
        {
          ...databaseFlags(flags),
          ...contractFlags(flags),
          channel: singleChannel(flags),
          "reply-to": flags.string("reply-to"),
          "timeout-ms": flags.string("timeout-ms"),
          producer: flags.string("producer"),
        },
        io.out,
        io.signal,
        io.cwd,
      );
      return 0;
    },
  },
  {
    name: "latest",
    arguments: "<channel>",
    summary: "the newest events of a channel, newest first",
    options: [{ flags: "--limit <n>", description: "how many (default 10)" }, ...DATABASE_OPTIONS],
    examples: [{ command: "postbus latest signal.triggered --limit 3", says: "the three newest" }],
    run: async (args, flags, io) => {
      await latestCommand(args, { ...databaseFlags(flags), limit: flags.string("limit") }, io.out);
      return 0;
    },
  },
  {
    name: "read",
    arguments: "<channel...>",
    summary: "replay channels in delivery order",
    description:
      "Replays one or more channels in delivery order. Feed the last line's position back as --after to read on.",
    options: [
      {
        flags: "--after <position>",
        description: 'start after this position ("<tx>:<id>", an event\'s "position")',
      },
      { flags: "--limit <n>", description: "how many (default 100)" },
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus read orders fills", says: "the first 100 events of both channels" },
      { command: "postbus read orders --after 7421:96 --limit 500", says: "the next 500 after a position" },
    ],
    run: async (args, flags, io) => {
      await readCommand(
        args,
        { ...databaseFlags(flags), after: flags.string("after"), limit: flags.string("limit") },
        io.out,
      );
      return 0;
    },
  },
  {
    name: "consume",
    arguments: "<group>",
    summary: "join a consumer group; print what it handles",
    description:
      "Joins consumer group <group>: prints each event it handles as a JSON line and commits its cursor, until Ctrl-C / SIGTERM, or with --once until caught up. Counters go to stderr, or to stdout as a JSON line with --json.",
    options: [
      {
        flags: "--channel <name>",
        description: "a channel the group reads (repeat for more)",
        repeatable: true,
      },
      {
        flags: "--from <start>",
        description:
          "where a channel new to the group starts: beginning (default), now, <tx>:<id> or an ISO time",
      },
      { flags: "--once", description: "handle what is deliverable now, then exit" },
      { flags: "--json", description: "print the counters as a JSON line on stdout" },
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus consume audit --channel orders --channel fills", says: "until Ctrl-C" },
      {
        command: "postbus consume backfill --channel orders --from 2025-05-01T00:00:00Z --once",
        says: "catch up once",
      },
    ],
    run: (args, flags, io) =>
      consumeCommand(
        args,
        {
          ...databaseFlags(flags),
          channel: flags.list("channel"),
          from: flags.string("from"),
          once: flags.boolean("once"),
          json: flags.boolean("json"),
        },
        io,
      ),
  },
  {
    name: "dlq",
    summary: "list dead letters, or hand them back",
    description:
      "Dead letters: the events a consumer group gave up on after its last attempt, with the error. List them, or have the group's running subscription handle them again.",
    subcommands: [
      {
        name: "list",
        summary: "dead letters, oldest first, as JSON lines",
        options: [
          { flags: "--group <group>", description: "only this consumer group's" },
          { flags: "--status <status>", description: "dead, redrive or redriven" },
          { flags: "--limit <n>", description: "how many (default 100)" },
          ...DATABASE_OPTIONS,
        ],
        examples: [
          { command: "postbus dlq list --group billing --status dead", says: "what billing gave up on" },
        ],
        run: async (args, flags, io) => {
          await dlqCommand(
            ["list", ...args],
            {
              ...databaseFlags(flags),
              group: flags.string("group"),
              status: flags.string("status"),
              limit: flags.string("limit"),
            },
            io.out,
          );
          return 0;
        },
      },
      {
        name: "redrive",
        arguments: "<group>",
        summary: "have the group's running subscription handle its dead letters (or just --id ones) again",
        options: [
          { flags: "--id <id>", description: "only this dead letter (repeat for more)", repeatable: true },
          ...DATABASE_OPTIONS,
        ],
        examples: [
          { command: "postbus dlq redrive billing", says: "every dead letter of billing" },
          { command: "postbus dlq redrive billing --id 12 --id 15", says: "just two" },
        ],
        run: async (args, flags, io) => {
          await dlqCommand(["redrive", ...args], { ...databaseFlags(flags), id: flags.list("id") }, io.out);
          return 0;
        },
      },
    ],
  },
  {
    name: "prune",
    summary: "delete old events every group has passed",
    description:
      "Deletes, in batches, events older than --older-than that every consumer group reading their channel has passed; never a request awaiting its reply. Dead letters keep their own copy.",
    options: [
      {
        flags: "--older-than <duration>",
        description: "age of the events to delete: 30d, 12h, 90m, 45s, 500ms, 2w",
      },
      { flags: "--dry-run", description: "count instead of deleting" },
      { flags: "--batch-size <n>", description: "events deleted per statement" },
      {
        flags: "--ignore-group <group>",
        description: "do not wait for this group (repeat for more)",
        repeatable: true,
      },
      { flags: "--json", description: "print the result as JSON" },
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus prune --older-than 30d --dry-run", says: "how many would go" },
      { command: "postbus prune --older-than 90d --ignore-group replica", says: "not held back by replica" },
    ],
    run: async (args, flags, io) => {
      await pruneCommand(
        args,
        {
          ...databaseFlags(flags),
          "older-than": flags.string("older-than"),
          "dry-run": flags.boolean("dry-run"),
          "batch-size": flags.string("batch-size"),
          "ignore-group": flags.list("ignore-group"),
          json: flags.boolean("json"),
        },
        io.out,
      );
      return 0;
    },
  },
  {
    name: "retention",
    arguments: "<group> <hold|release>",
    summary: "whether prune waits for a group",
    options: DATABASE_OPTIONS,
    examples: [{ command: "postbus retention replica release", says: "prune no longer waits for replica" }],
    run: async (args, flags, io) => {
      await retentionCommand(args, databaseFlags(flags), io.out);
      return 0;
    },
  },
  {
    name: "status",
    summary: "groups, lag, dead letters, what holds back",
    description:
      "Consumer groups (cursor, lag, failing event, dead letters), channels, request-response figures, table size, transactions holding delivery back, and publishes of deprecated contract versions per producer. With --check, one line per problem and exit 1, or ok and 0.",
    options: [
      { flags: "--json", description: "the status as one JSON line (same as --format json)" },
      { flags: "--format <format>", description: "text (default), json or prometheus" },
      {
        flags: "--check",
        description: "judge the status against the limits below; exit 1 naming each problem",
      },
      ...THRESHOLD_OPTIONS,
      {
        flags: "--publish-window <n>",
        description: "count deprecated publishes among the newest N events (default 10000)",
      },
      CONFIG_OPTION,
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus status", says: "for a person" },
      { command: "postbus status --check --max-dead-letters 5", says: "for cron, CI and probes" },
      { command: "postbus status --format prometheus", says: "gauges for a scrape" },
    ],
    run: (args, flags, io) =>
      statusCommand(
        args,
        {
          ...databaseFlags(flags),
          ...thresholdFlags(flags),
          json: flags.boolean("json"),
          format: flags.string("format"),
          check: flags.boolean("check"),
          config: flags.string("config"),
          "publish-window": flags.string("publish-window"),
        },
        io.out,
        io.cwd,
      ),
  },
  {
    name: "metrics",
    summary: "serve /metrics (Prometheus) and /healthz",
    description:
      "Serves GET /metrics (the status as Prometheus gauges, read on every scrape) and GET /healthz (200 ok, or 503 naming each problem, as status --check) until Ctrl-C / SIGTERM.",
    options: [
      { flags: "--port <n>", description: "port to listen on (0 picks a free one)" },
      { flags: "--host <host>", description: "address to listen on (default 127.0.0.1)" },
      ...THRESHOLD_OPTIONS,
      CONFIG_OPTION,
      ...DATABASE_OPTIONS,
    ],
    examples: [
      {
        command: "postbus metrics --port 9464 --max-dead-letters 10",
        says: "scrape http://127.0.0.1:9464/metrics",
      },
    ],
    run: (args, flags, io) =>
      metricsCommand(
        args,
        {
          ...databaseFlags(flags),
          ...thresholdFlags(flags),
          port: flags.string("port"),
          host: flags.string("host"),
          config: flags.string("config"),
        },
        io,
        io.cwd,
      ),
  },
];

function contractFlags(flags: Flags) {
  return {
    config: flags.string("config"),
    "no-validate": flags.boolean("no-validate"),
    "allow-unknown": flags.boolean("allow-unknown"),
  };
}

/** An event is written to one channel: `--channel` given twice is a usage error. */
function singleChannel(flags: Flags): string | undefined {
  const channels = flags.list("channel");
  if (channels !== undefined && channels.length > 1) {
    throw usageError("Only one --channel may be given", "An event is written to one channel");
  }
  return channels?.[0];
}
