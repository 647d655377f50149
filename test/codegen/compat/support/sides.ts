/** Contract sides built from in-memory schema files, for the compatibility tests. */
import path from "node:path";
import type { ContractSide } from "../../../../codegen/src/compat/contract-side.js";
import { loadSide } from "../../../../codegen/src/compat/load-side.js";
import { resolveConfig } from "../../../../codegen/src/config/load-config.js";
import type { CompatibilityMode } from "../../../../codegen/src/ir/compatibility-modes.js";

const ROOT = "/virtual-project";

/** A config rooted at a folder that does not exist: files come only from the source below. */
export const virtualConfig = (compatibility: CompatibilityMode = "BACKWARD") =>
  resolveConfig(ROOT, { definitions: ["schemas/shared/**"], compatibility });

/** Builds a side from `files` (paths relative to the project root → JSON values). Throws on contract errors. */
export async function sideOf(
  label: string,
  files: Readonly<Record<string, unknown>>,
  compatibility: CompatibilityMode = "BACKWARD",
): Promise<ContractSide> {
  const config = virtualConfig(compatibility);
  const texts = new Map(
    Object.entries(files).map(([file, value]) => [path.join(ROOT, file), JSON.stringify(value, null, 2)]),
  );
  const loaded = await loadSide(config, label, {
    list: async (folder) =>
      [...texts.keys()]
        .filter((file) => file.startsWith(`${folder}/`))
        .map((file) => file.slice(folder.length + 1))
        .sort(),
    read: async (file) => {
      const text = texts.get(file);
      if (text === undefined) throw new Error(`no file ${file}`);
      return text;
    },
  });
  if (loaded.side === undefined) {
    throw new Error(
      `contract errors: ${loaded.diagnostics.map((d) => `${d.location.file}: ${d.message}`).join("; ")}`,
    );
  }
  return loaded.side;
}

/** One event file: `schema` with an x-postbus block for `eventType` and `version` (and a mode). */
export function eventFile(
  eventType: string,
  version: number,
  schema: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...schema,
    "x-postbus": { eventType, version, domain: "test", ...extra },
  };
}
