/** The generator's commands: what works on the contracts in `schemas/` and writes files. */
import type { CommandSpec } from "../../command-spec.js";
import { CONFIG_OPTION, DATABASE_OPTIONS, databaseFlags } from "../../shared-options.js";
import { usageError } from "../../usage-error.js";
import { asyncApiCommand } from "./asyncapi.js";
import { buildCommand } from "./build.js";
import { checkCommand } from "./check.js";
import { docsCommand } from "./docs.js";
import { generateCommand } from "./generate.js";
import { initCommand } from "./init.js";
import { scanCommand } from "./scan.js";

/** The generator's commands, in the order the help lists them. */
export const GENERATOR_COMMANDS: readonly CommandSpec[] = [
  {
    name: "init",
    summary: "start a project: a config, an example contract",
    description:
      "Scaffolds a new project in the current folder: postbus.config.json, one example contract under schemas/, and a package.json (when there is none) whose workspaces hold the generated package; then runs postbus generate. Refuses, writing nothing, when a postbus.config.json is already there.",
    options: [{ flags: "--no-build", description: "generate the sources only, not dist/" }],
    examples: [
      { command: "postbus init", says: "in a new project's empty folder: scaffold, generate and build" },
      { command: "postbus init --no-build", says: "the same without compiling dist/" },
    ],
    run: (_args, flags, io) => initCommand({ build: flags.boolean("no-build") !== true }, io),
  },
  {
    name: "generate",
    summary: "types package and catalog from the contracts",
    description:
      "Generates the types package from the JSON Schema contracts in schemas/ (see postbus.config.json, found from the current folder upward) and builds its dist/ (ESM, CJS, .d.ts), and writes the event catalog. Schema problems print as file:line:column: CODE message (hint).",
    options: [
      CONFIG_OPTION,
      { flags: "--check", description: "write nothing; exit 1 naming stale files (for CI)" },
      { flags: "--watch", description: "regenerate the sources on every schema change, until Ctrl-C" },
      { flags: "--no-build", description: "write the sources only, not dist/" },
    ],
    examples: [
      { command: "postbus generate", says: "sources, dist/ and the catalog" },
      { command: "postbus generate --check", says: "in CI: are the committed files fresh?" },
      { command: "postbus generate --watch", says: "while editing the contracts" },
    ],
    run: (_args, flags, io) => {
      if (flags.boolean("check") && flags.boolean("watch"))
        throw usageError("--check and --watch exclude each other", "Use one of them");
      return generateCommand(
        {
          config: flags.string("config"),
          check: flags.boolean("check"),
          watch: flags.boolean("watch"),
          build: flags.boolean("no-build") !== true,
        },
        io,
      );
    },
  },
  {
    name: "build",
    summary: "compile the generated sources to dist/",
    description:
      "Compiles the generated package's committed sources into its dist/ without regenerating them, so a CI build cannot hide stale sources from generate --check.",
    options: [CONFIG_OPTION],
    examples: [{ command: "postbus generate --check && postbus build", says: "CI: check, then build" }],
    run: (_args, flags, io) => buildCommand({ config: flags.string("config") }, io),
  },
  {
    name: "docs",
    summary: "write the event catalog (Markdown and HTML)",
    description:
      "Writes the event catalog under the config's docs folder. With a database, live figures too: per event type its count, last seen, reading groups with their lag and dead letters, and a consumer groups page.",
    options: [
      CONFIG_OPTION,
      { flags: "--check", description: "write nothing; exit 1 naming stale files" },
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus docs", says: "the static catalog" },
      { command: "postbus docs --database-url postgres://me@localhost/app", says: "with live figures" },
    ],
    run: (_args, flags, io) =>
      docsCommand(
        { ...databaseFlags(flags), config: flags.string("config"), check: flags.boolean("check") },
        io,
      ),
  },
  {
    name: "check",
    summary: "breaking changes since a git ref; the bump",
    description:
      "Compares the contracts with those at --against (default HEAD, read from git): every breaking change with file:line, pointer and a counterexample payload; with a database, the stored events the new contracts reject and the groups that read them; the semver bump the release needs. Exit 0 compatible, 1 breaking, 2 usage or contract errors.",
    options: [
      { flags: "--against <ref>", description: "the git ref to compare with (default HEAD)" },
      { flags: "--format <format>", description: "text (default), json or github" },
      { flags: "--sample <n>", description: "check at most N stored events per channel (needs a database)" },
      { flags: "--max-history <n>", description: "commits read for the transitive modes (default 100)" },
      { flags: "--strict", description: "unproven changes fail too" },
      { flags: "--changeset", description: "write the recommended bump as a changeset" },
      CONFIG_OPTION,
      ...DATABASE_OPTIONS,
    ],
    examples: [
      { command: "postbus check", says: "against the last commit" },
      { command: "postbus check --against origin/main --format github", says: "in a pull request's CI" },
    ],
    run: (args, flags, io) =>
      checkCommand(
        args,
        {
          ...databaseFlags(flags),
          config: flags.string("config"),
          against: flags.string("against"),
          format: flags.string("format"),
          sample: flags.string("sample"),
          "max-history": flags.string("max-history"),
          strict: flags.boolean("strict"),
          changeset: flags.boolean("changeset"),
        },
        io,
      ),
  },
  {
    name: "asyncapi",
    summary: "the AsyncAPI 3.0 document of the contracts",
    options: [CONFIG_OPTION, { flags: "--out <file>", description: "write it to FILE instead of stdout" }],
    examples: [{ command: "postbus asyncapi --out docs/asyncapi.json", says: "for AsyncAPI tools" }],
    run: (_args, flags, io) =>
      asyncApiCommand({ config: flags.string("config"), out: flags.string("out") }, io),
  },
  {
    name: "scan",
    summary: "who publishes and consumes what, from the code",
    arguments: "[sources...]",
    description:
      "Reads the application's TypeScript with ts-morph (the arguments — tsconfig files or globs — else the config's sources) and prints per event type the typed publish, subscribe, request and respond calls with file:line, then the drift against the contracts' x-postbus producers and consumers. Exit 0; with --check, 1 when there is drift.",
    options: [
      CONFIG_OPTION,
      { flags: "--json", description: "the report as one JSON document" },
      { flags: "--check", description: "exit 1 when declarations and code disagree (for CI)" },
    ],
    examples: [
      { command: "postbus scan demo/tsconfig.json", says: "the demo's calls and drift" },
      { command: "postbus scan --check", says: "in CI, with the config's sources" },
    ],
    run: (args, flags, io) =>
      scanCommand(
        args,
        { config: flags.string("config"), json: flags.boolean("json"), check: flags.boolean("check") },
        io,
      ),
  },
];
