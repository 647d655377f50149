/**
 * What the parser refuses, as `POSTBUS_USAGE` errors (exit status 2) in Postbus's words: the
 * command it was for, the closest option or command when one is near, which commands take an
 * option that does not apply here, and the usage line.
 */

import type { PostbusInputError } from "@postbus/client";
import type { Command, CommanderError } from "commander";
import { usageError } from "./usage-error.js";

/** `postbus dlq redrive`: a command's words from the top. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

/**
 * The usage error for what the parser refused while reading `command`'s part of the command line.
 *
 * @example
 * ```ts
 * // postbus migrate --watch
 * usageFromParser(error, migrate).message; // "Unknown option --watch for postbus migrate"
 * ```
 */
export function usageFromParser(error: CommanderError, command: Command): PostbusInputError {
  const path = commandPath(command);
  const usage = `Usage: ${path} ${command.usage()}; run ${path} --help for its options and examples`;
  const said = error.message.replace(/^error: /, "");
  const suggestion = /\(Did you mean ([^?]+)\?\)/.exec(said)?.[1];
  const didYouMean = suggestion === undefined ? "" : `Did you mean ${suggestion}? `;
  switch (error.code) {
    case "commander.unknownOption": {
      const given = /unknown option '([^']+)'/.exec(said)?.[1] ?? said;
      const flag = given.split("=")[0] ?? given;
      if (flag !== given && command.options.some((option) => option.long === flag && !option.required)) {
        return usageError(`${flag} takes no value (got ${given})`, usage);
      }
      const owners = commandsTaking(root(command), flag).filter((owner) => owner !== path);
      const elsewhere =
        owners.length === 0
          ? ""
          : `${flag} is an option of ${owners.slice(0, 3).join(", ")}${owners.length > 3 ? ` and ${owners.length - 3} more` : ""}. `;
      const after = command.parent === null ? "Options go after their command. " : "";
      return usageError(
        `Unknown option ${flag} for ${path}`,
        `${didYouMean}${elsewhere}${after}Run ${path} --help for its options`,
      );
    }
    case "commander.unknownCommand": {
      const name = /unknown command '([^']+)'/.exec(said)?.[1] ?? said;
      const words = path === "postbus" ? name : `${path.replace(/^postbus /, "")} ${name}`;
      return usageError(`Unknown command "${words}"`, `${didYouMean}Run ${path} --help for the list`);
    }
    case "commander.missingArgument": {
      const name = /missing required argument '([^']+)'/.exec(said)?.[1] ?? "an";
      return usageError(`${path} needs its <${name}> argument`, usage);
    }
    case "commander.excessArguments": {
      const expected = command.registeredArguments.length;
      const extra = command.args.slice(expected).map((arg) => JSON.stringify(arg));
      return usageError(
        `${path} takes ${expected === 0 ? "no arguments" : `${expected} argument${expected === 1 ? "" : "s"}`} (got ${extra.join(" ")} too)`,
        usage,
      );
    }
    case "commander.optionMissingArgument": {
      const flag = /option '(\S+)/.exec(said)?.[1] ?? "The option";
      return usageError(`${flag} needs a value`, usage);
    }
    case "commander.help": {
      // A command with subcommands was given none (the parser printed its help to stderr).
      if (command.parent === null)
        return usageError("No command given", "Run postbus --help for the commands");
      const names = command.commands.map((sub) => sub.name());
      return usageError(`${path} needs a command: ${names.join(" or ")}`, `Run ${path} --help`);
    }
    default:
      return usageError(said.charAt(0).toUpperCase() + said.slice(1), usage);
  }
}

function root(command: Command): Command {
  let at = command;
  while (at.parent !== null) at = at.parent;
  return at;
}

/** The paths of every command that takes `flag`. */
function commandsTaking(command: Command, flag: string): string[] {
  const own = command.options.some((option) => option.long === flag) ? [commandPath(command)] : [];
  return [...own, ...command.commands.flatMap((sub) => commandsTaking(sub, flag))];
}
