/**
 * The contracts as runtime validators for the command line's own writes (`postbus publish`,
 * `postbus request`): the config found from the current folder upward (or `--config`), its
 * schemas loaded by the generator's phases 1–3, each event type compiled with Ajv (every version;
 * a payload is valid when one of them accepts it, like the generated validators).
 */
import type { StandardIssue, StandardSchemaV1, ValidatorRegistry } from "@postbus/client";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { loadConfig } from "../config/load-config.js";
import { loadModel } from "../generate.js";
import type { ContractModel } from "../ir/model.js";
import { loadProjectConfig } from "./load-project-config.js";
import { usageError } from "./usage-error.js";

/** What the CLI validates with, and where the contracts came from. */
export interface ContractValidators {
  /** Event type → validator. */
  readonly validators: ValidatorRegistry;
  /** Event type → its contract's channel. */
  readonly channels: ReadonlyMap<string, string>;
  /** The config file read. */
  readonly configFile: string;
}

const MODEL_ID = "postbus:cli-model";

/**
 * Loads the contracts of the config at `configPath`, or the one found from `cwd` upward;
 * `undefined` when there is none (nothing to validate against). Contracts that do not load
 * are a usage error naming the first problem.
 */
export async function loadContractValidators(
  cwd: string,
  configPath: string | undefined,
): Promise<ContractValidators | undefined> {
  // A --config that names no file is a usage error; no config found upward means nothing to check.
  const loaded =
    configPath === undefined ? await loadConfig({ cwd }) : await loadProjectConfig(cwd, configPath);
  if (loaded.file === undefined) return undefined;
  const fail = (problem: { message: string; file?: string; line?: number }, count: number) =>
    usageError(
      `The contracts of ${loaded.file} do not load (${count} problem${count === 1 ? "" : "s"}; first: ${problem.file ?? ""}${problem.line === undefined ? "" : `:${problem.line}`} ${problem.message})`,
      "Fix them (postbus generate lists every problem), or pass --no-validate to write without checking",
    );
  if (loaded.config === undefined) throw fail(loaded.diagnostics[0]!, loaded.diagnostics.length);
  const { model, diagnostics } = await loadModel(loaded.config, { checkExamples: false });
  if (model === undefined) throw fail(diagnostics[0]!, diagnostics.length);
  // ajv loads only for a command that validates: every other command starts without it.
  const { createAjv } = await import("../validate/example-ajv.js");
  return { ...compileValidators(model, createAjv()), configFile: loaded.file };
}

function compileValidators(model: ContractModel, ajv: Ajv2020): Omit<ContractValidators, "configFile"> {
  ajv.addSchema({
    $id: MODEL_ID,
    $defs: Object.fromEntries(model.definitions.map((d) => [d.name, d.schema])),
  });
  const $defs = Object.fromEntries(
    model.definitions.map((d) => [d.name, { $ref: `${MODEL_ID}#/$defs/${d.name}` }]),
  );
  const byType = new Map<string, Array<{ version: number; check: ReturnType<typeof ajv.compile> }>>();
  const channels = new Map<string, string>();
  for (const [index, event] of model.events.entries()) {
    const body =
      typeof event.schema === "object" && event.schema !== null ? event.schema : { allOf: [event.schema] };
    const check = ajv.compile({ ...body, $id: `postbus:cli-event/${index}`, $defs });
    const versions = byType.get(event.eventType) ?? [];
    versions.push({ version: event.version, check });
    byType.set(event.eventType, versions);
    channels.set(event.eventType, event.channel); // events are sorted by version: the newest wins
  }
  const validators: Record<string, StandardSchemaV1> = {};
  for (const [eventType, versions] of byType) {
    const newestFirst = [...versions].sort((a, b) => b.version - a.version);
    validators[eventType] = {
      "~standard": {
        version: 1,
        vendor: "postbus-cli",
        validate(value) {
          for (const { check } of newestFirst) if (check(value)) return { value };
          const newest = newestFirst[0]!;
          newest.check(value);
          const issues: StandardIssue[] = (newest.check.errors ?? []).map((error) => ({
            message: `${error.message ?? "is invalid"} (version ${newest.version}${newestFirst.length > 1 ? `; no version accepts it` : ""})`,
            path: error.instancePath
              .split("/")
              .slice(1)
              .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~")),
          }));
          return { issues: issues.length > 0 ? issues : [{ message: "does not match its contract" }] };
        },
      },
    };
  }
  return { validators, channels };
}
