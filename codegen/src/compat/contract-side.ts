/**
 * One side of a compatibility check — the contracts at a git commit, or in the working
 * tree — with what the checker needs to walk it: definitions by name, and the way back
 * from a (file, pointer) inside it to a line and column.
 */

import { refName as definitionName, isSchemaObject } from "../emit/walk-schema.js";
import type { ContractModel, EventContract, NormalizedSchema, SourceLocation } from "../ir/model.js";
import { appendPointer, isObject } from "../load/json-pointer.js";
import type { SchemaFile } from "../load/load-schemas.js";

/** A place inside one side's schema files: the file (relative to the config's root) and a JSON pointer. */
export interface Site {
  readonly file: string;
  readonly pointer: string;
}

/** The contracts of one side, ready to be walked. */
export interface ContractSide {
  /** What the side is, for messages: `"HEAD"`, `"main"`, `"the working tree"`. */
  readonly label: string;
  readonly model: ContractModel;
  /** Definitions by name. */
  readonly definitions: ReadonlyMap<string, { readonly schema: NormalizedSchema; readonly site: Site }>;
  /** Line and column of a site (the nearest parent that exists in the file). */
  readonly locate: (site: Site) => SourceLocation;
}

/** Builds a {@link ContractSide} from a model and the files it was built from. */
export function contractSide(
  label: string,
  model: ContractModel,
  files: ReadonlyMap<string, SchemaFile>,
): ContractSide {
  const definitions = new Map(
    model.definitions.map((definition) => [
      definition.name,
      {
        schema: definition.schema,
        site: { file: definition.source.file, pointer: definition.source.pointer },
      },
    ]),
  );
  return {
    label,
    model,
    definitions,
    locate: (site) => {
      const { line, column } = files.get(site.file)?.parsed.locate(site.pointer) ?? { line: 1, column: 1 };
      return { file: site.file, pointer: site.pointer, line, column };
    },
  };
}

/** The definition name a `{ "$ref": "#/$defs/Name", … }` points at, or `undefined`. */
export function refName(schema: NormalizedSchema): string | undefined {
  if (!isSchemaObject(schema) || typeof schema.$ref !== "string") return undefined;
  return definitionName(schema.$ref);
}

/** Where an event's payload schema starts. */
export function eventSite(event: EventContract): Site {
  return { file: event.source.file, pointer: event.source.pointer };
}

/** A site one keyword path further in. */
export function siteAt(site: Site, ...segments: readonly (string | number)[]): Site {
  return { file: site.file, pointer: appendPointer(site.pointer, ...segments) };
}

/** `JSON.stringify` with object keys sorted, so equal values give equal texts. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isObject(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((key) => [key, item[key]]),
        )
      : item,
  );
}

/** Keywords that describe and never reject: ignored by the compatibility rules. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "$schema",
  "$id",
  "$anchor",
  "$defs",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
]);
