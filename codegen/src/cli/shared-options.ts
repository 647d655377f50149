/** The options several commands take, declared once so their help reads the same everywhere. */
import type { Flags, OptionSpec } from "./command-spec.js";
import type { DatabaseFlags } from "./connect.js";

/** `--database-url` and `--schema`: every command that talks to the events table. */
export const DATABASE_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--database-url <url>",
    description: "the database (default: the DATABASE_URL environment variable)",
  },
  { flags: "--schema <name>", description: "schema of the events table (default public)" },
];

/** `--config`: commands that read `postbus.config.json`. */
export const CONFIG_OPTION: OptionSpec = {
  flags: "--config <path>",
  description: "postbus.config.json to use (default: the first one from the current folder upward)",
};

/** The checks of what `publish` and `request` write. */
export const CONTRACT_OPTIONS: readonly OptionSpec[] = [
  CONFIG_OPTION,
  { flags: "--no-validate", description: "write without checking the payload against its contract" },
  { flags: "--allow-unknown", description: "accept an event type that has no contract" },
];

/** The health limits of `status --check` and `metrics`. */
export const THRESHOLD_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--max-lag-seconds <n>",
    description: "a problem when a transaction holds delivery back longer than N s (default 30)",
  },
  {
    flags: "--max-dead-letters <n>",
    description: "a problem when a group has more dead letters (default 0)",
  },
  {
    flags: "--max-stall-seconds <n>",
    description: "a problem when a group's next event is older than N s (not checked by default)",
  },
];

/** The database flags of a command line. */
export function databaseFlags(flags: Flags): DatabaseFlags {
  return { "database-url": flags.string("database-url"), schema: flags.string("schema") };
}

/** The threshold flags of a command line. */
export function thresholdFlags(flags: Flags) {
  return {
    "max-lag-seconds": flags.string("max-lag-seconds"),
    "max-dead-letters": flags.string("max-dead-letters"),
    "max-stall-seconds": flags.string("max-stall-seconds"),
  };
}
