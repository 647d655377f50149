import { PostbusInputError } from "../errors/postbus-error.js";
import { checkEventName } from "../validate/check-name.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import type { ContractRegistry } from "./contract-registry.js";

/**
 * Checks a registry once (an object of entries whose `eventType` is their key, with
 * valid names and a Standard Schema) and returns the validators `createPostbus` takes,
 * the old names of renamed event types (`renamedFrom`) included.
 * Throws `POSTBUS_OPTIONS_INVALID` naming the entry.
 */
export function validatorsOf(contracts: ContractRegistry): ValidatorRegistry {
  if (typeof contracts !== "object" || contracts === null || Array.isArray(contracts)) {
    throw invalid("contracts", "contracts must be an object of event type → contract");
  }
  const validators: Record<string, ContractRegistry[string]["schema"]> = {};
  for (const [key, entry] of Object.entries(contracts)) {
    const field = `contracts[${JSON.stringify(key)}]`;
    if (typeof entry !== "object" || entry === null) throw invalid(field, `${field} must be an object`);
    checkEventName(key, "event type", { field });
    if (entry.eventType !== key) {
      throw invalid(`${field}.eventType`, `${field}.eventType is ${JSON.stringify(entry.eventType)}`);
    }
    checkEventName(entry.channel, "channel", { field: `${field}.channel` });
    if (typeof entry.schema?.["~standard"]?.validate !== "function") {
      throw invalid(`${field}.schema`, `${field}.schema is not a Standard Schema (e.g. a zod schema)`);
    }
    validators[key] = entry.schema;
  }
  // A renamed event type's old name validates like the new one (its stored events are delivered as it).
  for (const [key, entry] of Object.entries(contracts)) {
    const renamed = entry.renamedFrom ?? [];
    if (!Array.isArray(renamed))
      throw invalid(
        `contracts[${JSON.stringify(key)}].renamedFrom`,
        "renamedFrom must be a list of event types",
      );
    for (const alias of renamed) {
      checkEventName(alias, "event type", { field: `contracts[${JSON.stringify(key)}].renamedFrom` });
      if (!Object.hasOwn(validators, alias)) validators[alias] = entry.schema;
    }
  }
  return Object.freeze(validators);
}

function invalid(field: string, message: string): PostbusInputError {
  return new PostbusInputError("POSTBUS_OPTIONS_INVALID", message, {
    subject: { field },
    hint: "Pass the contracts of a generated types package: createTypedPostbus({ db, contracts })",
  });
}
