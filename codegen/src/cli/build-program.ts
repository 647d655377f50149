/**
 * The one place that knows the parser (commander): turns the command declarations into its
 * commands. Options are per command, so one that does not apply is refused; `--flag value` and
 * `--flag=value` both work; help and examples come from the declarations; and every refusal is a
 * `POSTBUS_USAGE` error (`parser-errors.ts`) instead of the parser's own exit.
 */
import { type Argument, type Command, Command as CommanderCommand, type CommanderError } from "commander";
import { suggestName } from "../validate/suggest-name.js";
import { cliVersion } from "./cli-version.js";
import { paint, stripColour } from "./colour.js";
import { type CliIo, type CommandSpec, type ExampleSpec, Flags } from "./command-spec.js";
import { usageFromParser } from "./parser-errors.js";
import { usageError } from "./usage-error.js";

/** Commands listed under one heading of the help. */
export interface CommandGroup {
  readonly heading: string;
  readonly commands: readonly CommandSpec[];
}

/** The whole command line: its commands by group, and the examples of the program's own help. */
export interface ProgramSpec {
  readonly groups: readonly CommandGroup[];
  readonly examples: readonly ExampleSpec[];
}

/** Thrown by the parser's exit when it has printed help or the version: the run ends with status 0. */
export class HelpShown extends Error {}

/** What a run of the program produced: the exit status of the command that ran. */
export interface ProgramOutcome {
  status: number;
}

const STYLE = paint(true);

const FOOTER = `Every database command takes --database-url URL (or the DATABASE_URL environment variable) and
--schema NAME. Errors go to stderr with a stable code. Exit status: 0 done, 1 failed, 2 the command
line is wrong (an unknown command or option, a missing or extra argument, a value not of its form).
Run postbus <command> --help for a command's options and examples.`;

/**
 * The `postbus` program for one run: the commands of `spec`, writing to `io`; the command that
 * runs sets `outcome.status`. Parse it with `parseAsync(argv, { from: "user" })`.
 */
export function buildProgram(spec: ProgramSpec, io: CliIo, outcome: ProgramOutcome): Command {
  const program = new CommanderCommand("postbus")
    .description(
      "Typed events on one PostgreSQL events table: the contract generator and the runtime's tools.",
    )
    .version(cliVersion(), "-v, --version", "print the version of postbus")
    .helpOption("-h, --help", "show this help")
    .helpCommand(false)
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, "")),
      writeErr: (text) => io.err(text.replace(/\n$/, "")),
      outputError: () => {}, // runCli prints every error, coded
      getOutHasColors: () => io.colour?.out ?? false,
      getErrHasColors: () => io.colour?.err ?? false,
      stripColor: stripColour,
    })
    .configureHelp({
      styleTitle: STYLE.bold,
      styleCommandText: STYLE.bold,
      styleSubcommandTerm: STYLE.cyan,
      styleOptionTerm: STYLE.cyan,
      styleArgumentTerm: STYLE.yellow,
      // In the list of commands: the name and its arguments ("[options]" goes without saying).
      subcommandTerm: (command) =>
        [command.name(), ...command.registeredArguments.map(argumentTerm)].join(" "),
    })
    .addHelpText("after", `${examplesText(spec.examples)}\n\n${FOOTER}`);
  program.exitOverride(parserExit(program));
  for (const group of spec.groups) {
    program.commandsGroup(group.heading);
    for (const spec of group.commands) addCommand(program, spec, io, outcome);
  }
  program.commandsGroup("Help:");
  addHelpCommand(program, outcome);
  return program;
}

function addCommand(parent: Command, spec: CommandSpec, io: CliIo, outcome: ProgramOutcome): void {
  const command = parent
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary);
  command.exitOverride(parserExit(command));
  if (spec.arguments !== undefined) command.arguments(spec.arguments);
  for (const option of spec.options ?? []) {
    if (option.repeatable)
      command.option(option.flags, option.description, (value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]);
    else command.option(option.flags, option.description);
  }
  if (spec.examples !== undefined && spec.examples.length > 0)
    command.addHelpText("after", examplesText(spec.examples));
  if (spec.subcommands !== undefined) command.helpCommand(false); // postbus help dlq list
  for (const sub of spec.subcommands ?? []) addCommand(command, sub, io, outcome);
  const run = spec.run;
  if (run !== undefined) {
    command.action(async () => {
      const args = command.processedArgs.flatMap((value: unknown) =>
        value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)],
      );
      outcome.status = await run(args, readFlags(command), io);
    });
  }
}

/** The "Examples:" section of a help: each command line under a comment saying what it does. */
function examplesText(examples: readonly ExampleSpec[]): string {
  const lines = examples.map(
    (example) => `  ${STYLE.dim(`# ${example.says}`)}\n  ${STYLE.cyan(`$ ${example.command}`)}`,
  );
  return `\n${STYLE.bold("Examples:")}\n${lines.join("\n")}`;
}

/** `postbus help [command...]`: the help of the program, or of a command (`help dlq redrive`). */
function addHelpCommand(program: Command, outcome: ProgramOutcome): void {
  const help = program
    .command("help")
    .argument("[command...]")
    .summary("show the help of postbus or of a command")
    .description(
      "Shows the help of postbus, or of a command: postbus help migrate is postbus migrate --help.",
    );
  help.exitOverride(parserExit(help));
  help.action((given: string[] | undefined) => {
    const names = given ?? [];
    let target = program;
    for (const [index, name] of names.entries()) {
      const next = target.commands.find((command) => command.name() === name);
      if (next === undefined) {
        const close = suggestName(
          name,
          target.commands.map((command) => command.name()),
        );
        throw usageError(
          `Unknown command "${names.slice(0, index + 1).join(" ")}"`,
          `${close === undefined ? "" : `Did you mean ${close}? `}Run postbus --help for the list`,
        );
      }
      target = next;
    }
    target.outputHelp();
    outcome.status = 0;
  });
}

/** The parser's exit, as an exception: help and the version end the run with 0, anything else is a usage error. */
function parserExit(command: Command): (error: CommanderError) => never {
  return (error) => {
    if (error.exitCode === 0) throw new HelpShown(error.message);
    throw usageFromParser(error, command);
  };
}

/** The options given on the command line (not defaults), by long name: `--no-build` is `no-build: true`. */
function readFlags(command: Command): Flags {
  const values = new Map<string, string | boolean | readonly string[]>();
  for (const option of command.options) {
    const name = option.long?.slice(2);
    const key = option.attributeName();
    if (name === undefined || command.getOptionValueSource(key) !== "cli") continue;
    values.set(name, option.negate ? true : (command.getOptionValue(key) as string | boolean | string[]));
  }
  return new Flags(values);
}

function argumentTerm(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? "..." : ""}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}
