/** The differential corpus: `test/fixtures/zod-corpus/*.json`, each `{ $defs?, schema, instances? }`. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ContractModel, NormalizedSchema, SchemaDefinition } from "../../../../codegen/src/ir/model.js";

export const CORPUS_DIR = fileURLToPath(new URL("../../../fixtures/zod-corpus/", import.meta.url));

export interface CorpusEntry {
  /** File name without `.json`, e.g. `all-of-closed-branch`. */
  readonly name: string;
  readonly defs: Readonly<Record<string, NormalizedSchema>>;
  readonly schema: NormalizedSchema;
  /** Hand-picked instances at the edges, judged like generated ones. */
  readonly instances: readonly unknown[];
}

export function readCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(path.join(CORPUS_DIR, file), "utf8")) as {
        $defs?: Record<string, NormalizedSchema>;
        schema: NormalizedSchema;
        instances?: unknown[];
      };
      return {
        name: file.slice(0, -".json".length),
        defs: json.$defs ?? {},
        schema: json.schema,
        instances: json.instances ?? [],
      };
    });
}

const source = (file: string) => ({ file, pointer: "", line: 1, column: 1 });

/** `all-of-closed-branch` → `AllOfClosedBranch`. */
export const pascalCase = (name: string): string =>
  name.replace(/(^|[-_])([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());

/** A model with the entry's `$defs` as definitions and its schema as the payload of one event. */
export function corpusModel(entry: CorpusEntry): ContractModel {
  const definitions: SchemaDefinition[] = Object.entries(entry.defs).map(([name, schema]) => ({
    kind: "definition",
    name,
    schema,
    description:
      typeof schema === "object" && typeof schema.description === "string" ? schema.description : undefined,
    source: source(`${entry.name}.json`),
  }));
  return {
    kind: "model",
    definitions,
    events: [
      {
        kind: "event",
        eventType: `corpus.${entry.name}`,
        version: 1,
        channel: `corpus.${entry.name}`,
        typeName: pascalCase(entry.name),
        domain: "corpus",
        title: undefined,
        description: undefined,
        producers: [],
        consumers: [],
        owners: [],
        deprecated: false,
        examples: [],
        responseType: undefined,
        errorResponseType: undefined,
        compatibility: undefined,
        renamedFrom: [],
        schema: entry.schema,
        source: source(`${entry.name}.json`),
      },
    ],
  };
}
