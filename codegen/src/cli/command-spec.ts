/**
 * A command of `postbus`, declared as data: its arguments, options, help and examples, and the
 * function that runs it. `build-program.ts` turns the declarations into the parser's commands, so
 * the commands themselves know nothing of the parser.
 */
import type { ColourChoice } from "./colour.js";

/** Where the CLI writes: injectable so tests run it in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops a command that runs until interrupted (`consume`, `metrics`, `generate --watch`), like SIGINT does. */
  readonly signal?: AbortSignal | undefined;
  /** Folder the config is looked up from and files are written under; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Whether help and error lines are coloured; default: neither (the binary decides per stream). */
  readonly colour?: ColourChoice | undefined;
}

/** One option of a command. */
export interface OptionSpec {
  /** As the parser reads it: `--limit <n>` takes a value, `--once` does not, `--no-build` turns a default off. */
  readonly flags: string;
  readonly description: string;
  /** May be given more than once; its values are collected in order. */
  readonly repeatable?: boolean | undefined;
}

/** A command line shown under "Examples:" in a command's help. */
export interface ExampleSpec {
  readonly command: string;
  readonly says: string;
}

/** One `postbus` command (or a group of subcommands, such as `dlq`). */
export interface CommandSpec {
  readonly name: string;
  /** Its positional arguments as the parser reads them: `<event-type> <json>`, `<channel...>`. */
  readonly arguments?: string | undefined;
  /** One line, in the list of commands. */
  readonly summary: string;
  /** What it does, at the top of its own help (default: the summary). */
  readonly description?: string | undefined;
  readonly options?: readonly OptionSpec[] | undefined;
  readonly examples?: readonly ExampleSpec[] | undefined;
  /** Subcommands (`dlq list`, `dlq redrive`); a group runs only through one of them. */
  readonly subcommands?: readonly CommandSpec[] | undefined;
  /** Runs the command with its positional arguments and option values; returns the exit status. */
  readonly run?: ((args: readonly string[], flags: Flags, io: CliIo) => Promise<number>) | undefined;
}

/**
 * The options given on the command line, by their long name without dashes (`database-url`,
 * `no-validate`); an option that was not given is `undefined`.
 */
export class Flags {
  readonly #values: ReadonlyMap<string, string | boolean | readonly string[]>;

  /** Wraps the values the parser read. */
  constructor(values: ReadonlyMap<string, string | boolean | readonly string[]>) {
    this.#values = values;
  }

  /** The value of an option that takes one (`--limit 5` → `"5"`). */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === "string" ? value : undefined;
  }

  /** `true` when a switch (`--once`, `--no-build`) was given. */
  boolean(name: string): boolean | undefined {
    return this.#values.get(name) === true ? true : undefined;
  }

  /** Every value of a repeatable option, in order (`--channel a --channel b` → `["a", "b"]`). */
  list(name: string): readonly string[] | undefined {
    const value = this.#values.get(name);
    return Array.isArray(value) ? value : undefined;
  }
}
