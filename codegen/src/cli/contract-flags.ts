import type { PostbusOptions } from "@postbus/client";
import { loadContractValidators } from "./contract-validators.js";

/** Flags of the commands that write events and check them against the contracts. */
export interface ContractFlags {
  readonly config?: string | undefined;
  readonly "no-validate"?: boolean | undefined;
  readonly "allow-unknown"?: boolean | undefined;
}

/** The client options and contract channels for a command that writes. */
export interface WriteContracts {
  readonly options: Pick<PostbusOptions, "validators" | "unknownEventTypes">;
  /** The contract's channel of an event type, when the contracts know it. */
  channelOf(eventType: string): string | undefined;
}

/**
 * What `postbus publish` / `postbus request` validate against: the contracts of the config found
 * (or `--config`), refusing event types without a contract unless `--allow-unknown`; nothing with
 * `--no-validate` or when no config is found.
 */
export async function writeContracts(flags: ContractFlags, cwd = process.cwd()): Promise<WriteContracts> {
  if (flags["no-validate"]) return { options: {}, channelOf: () => undefined };
  const contracts = await loadContractValidators(cwd, flags.config);
  if (contracts === undefined) return { options: {}, channelOf: () => undefined };
  return {
    options: {
      validators: contracts.validators,
      unknownEventTypes: flags["allow-unknown"] ? "allow" : "reject",
    },
    channelOf: (eventType) => contracts.channels.get(eventType),
  };
}
