/**
 * The synthetic contract corpus of the codegen benchmarks: 300 schema files (30 shared
 * definition files, 270 events in 10 domains, a third of them YAML) with cross-file,
 * `$id` and local refs.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Shared definition files. */
export const SHARED = 30;
/** Event files. */
export const EVENTS = 270;
/** Domains (folders) the events are spread over. */
export const DOMAINS = 10;

/** Writes the corpus (and its postbus.config.json) into `folder`. */
export async function writeCorpus(folder: string): Promise<void> {
  const files = new Map<string, string>();
  files.set(
    "postbus.config.json",
    JSON.stringify({ schemas: "schemas", definitions: ["schemas/shared/**"] }),
  );
  for (let index = 0; index < SHARED; index++) {
    const next = (index + 1) % SHARED;
    files.set(
      `schemas/shared/common${index}.json`,
      JSON.stringify(
        {
          $id: `https://bench.test/common${index}.json`,
          description: `Shared shape ${index}.`,
          type: "object",
          properties: {
            id: { $ref: "#/$defs/Id" },
            code: { type: "string", pattern: "^[A-Z]{3}$" },
            amount: { type: "number", minimum: 0 },
            next: { $ref: `./common${next}.json` },
          },
          required: ["id"],
          $defs: { Id: { type: "string", format: "uuid" }, [`Kind${index}`]: { enum: ["a", "b", "c"] } },
        },
        null,
        2,
      ),
    );
  }
  for (let index = 0; index < EVENTS; index++) {
    files.set(eventPath(index), eventSchema(index, index % DOMAINS, "v"));
  }
  for (const [relative, text] of files) {
    await mkdir(path.dirname(path.join(folder, relative)), { recursive: true });
    await writeFile(path.join(folder, relative), text);
  }
}

/** The path of event file `index`, relative to the project. */
export function eventPath(index: number): string {
  return `schemas/d${index % DOMAINS}/event${index}.happened.${index % 3 === 0 ? "yaml" : "json"}`;
}

/** The text of event file `index` in `domain`; `note` goes into its description, so an edit changes only that. */
export function eventSchema(index: number, domain: number, note: string): string {
  const shared = index % SHARED;
  return JSON.stringify(
    {
      $schema: index % 5 === 0 ? "http://json-schema.org/draft-07/schema#" : undefined,
      description: `Event ${index} (${note}).`,
      "x-postbus": { producers: [`service${domain}`], consumers: [`group${(domain + 1) % DOMAINS}`] },
      type: "object",
      properties: {
        subject: { $ref: `../shared/common${shared}.json` },
        kind: { $ref: `https://bench.test/common${shared}.json#/$defs/Kind${shared}` },
        lines: {
          type: "array",
          items: { $ref: index % 5 === 0 ? "#/definitions/Line" : "#/$defs/Line" },
          minItems: 1,
        },
        at: { type: "string", format: "date-time" },
        note: { type: "string", maxLength: 200 },
      },
      required: ["subject", "at"],
      [index % 5 === 0 ? "definitions" : "$defs"]: {
        Line: {
          type: "object",
          properties: { sku: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
        },
      },
      examples: [{ subject: { id: "5f0c7f0e-1b2a-4c3d-9e8f-0123456789ab" }, at: "2025-05-15T10:30:45Z" }],
    },
    null,
    2,
  );
}
