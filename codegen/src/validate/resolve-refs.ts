import { diagnostic } from "../ir/diagnostic.js";
import type { Diagnostic } from "../ir/model.js";
import { displayUri, isRelativeReference } from "../load/id-space.js";
import { appendPointer } from "../load/json-pointer.js";
import type { SchemaFile } from "../load/load-schemas.js";
import type { FileScan, RefSite } from "./scan-schema.js";

/** Where a `$ref` leads: a (sub)schema of a loaded file. */
export interface RefTarget {
  readonly file: SchemaFile;
  readonly pointer: string;
}

/**
 * Where a `$dynamicRef` leads at first (as a `$ref` would), and, when that target declares the
 * `$dynamicAnchor` the fragment names, that name: then the outermost schema resource in the dynamic
 * scope declaring it wins (resolved per scope by the IR builder).
 */
export interface DynamicRefTarget extends RefTarget {
  readonly anchor: string | undefined;
}

/** Key of a `$ref` site: `<file>#<pointer of the schema holding the $ref>`. */
export function siteKey(file: string, pointer: string): string {
  return `${file}#${pointer}`;
}

/**
 * Resolves every `$ref` of every file: relative file paths, `$id` URIs (also
 * nested ones, which change the base), `$anchor`s and JSON pointers with
 * `~0`/`~1` and percent escapes. A relative ref that does not match an `$id`
 * falls back to the file system path. What does not resolve to a schema is a diagnostic.
 */
export function resolveRefs(
  files: readonly SchemaFile[],
  scans: ReadonlyMap<SchemaFile, FileScan>,
): {
  targets: Map<string, RefTarget>;
  dynamicTargets: Map<string, DynamicRefTarget>;
  registry: ReadonlyMap<string, RefTarget>;
  dynamicAnchors: ReadonlySet<string>;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const registry = new Map<string, RefTarget>();
  const dynamicAnchors = new Set<string>();
  for (const file of files) {
    for (const resource of scans.get(file)?.resources ?? []) {
      const existing = registry.get(resource.uri);
      if (existing !== undefined && existing.file !== file) {
        const pointer = appendPointer(resource.pointer, "$id");
        const { line, column } = file.parsed.locate(pointer);
        diagnostics.push(
          diagnostic(
            "POSTBUS_SCHEMA_BAD_KEYWORD",
            `The id ${displayUri(resource.uri)} is also declared by ${existing.file.file}`,
            "Give every schema its own $id",
            { file: file.file, pointer, line, column },
          ),
        );
      } else if (existing === undefined) {
        registry.set(resource.uri, { file, pointer: resource.pointer });
      }
      if (resource.dynamic) dynamicAnchors.add(resource.uri);
    }
  }

  const targets = new Map<string, RefTarget>();
  const dynamicTargets = new Map<string, DynamicRefTarget>();
  for (const file of files) {
    const scan = scans.get(file);
    const sites = [
      ...(scan?.refs ?? []).map((site) => [site, "$ref"] as const),
      ...(scan?.dynamicRefs ?? []).map((site) => [site, "$dynamicRef"] as const),
    ];
    for (const [site, keyword] of sites) {
      const result = resolveOne(site, file, registry, scans);
      if ("target" in result && keyword === "$ref") {
        targets.set(siteKey(file.file, site.pointer), result.target);
      } else if ("target" in result) {
        const anchor = dynamicAnchorOf(site, result.target, registry, dynamicAnchors);
        dynamicTargets.set(siteKey(file.file, site.pointer), { ...result.target, anchor });
      } else {
        const pointer = appendPointer(site.pointer, keyword);
        const { line, column } = file.parsed.locate(pointer);
        diagnostics.push(
          diagnostic("POSTBUS_SCHEMA_UNRESOLVED_REF", result.message, result.hint, {
            file: file.file,
            pointer,
            line,
            column,
          }),
        );
      }
    }
  }
  return { targets, dynamicTargets, registry, dynamicAnchors, diagnostics };
}

/** The anchor name when a `$dynamicRef`'s fragment names a `$dynamicAnchor` that its first target declares. */
function dynamicAnchorOf(
  site: RefSite,
  target: RefTarget,
  registry: ReadonlyMap<string, RefTarget>,
  dynamicAnchors: ReadonlySet<string>,
): string | undefined {
  const url = new URL(site.ref, site.base);
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (fragment === "" || fragment.startsWith("/")) return undefined;
  url.hash = "";
  const uri = `${url.href}#${fragment}`;
  const declared = registry.get(uri);
  return dynamicAnchors.has(uri) && declared?.file === target.file && declared.pointer === target.pointer
    ? fragment
    : undefined;
}

type Resolution = { readonly target: RefTarget } | { readonly message: string; readonly hint: string };

function resolveOne(
  site: RefSite,
  file: SchemaFile,
  registry: ReadonlyMap<string, RefTarget>,
  scans: ReadonlyMap<SchemaFile, FileScan>,
): Resolution {
  const quoted = JSON.stringify(site.ref);
  let url: URL;
  try {
    url = new URL(site.ref, site.base);
  } catch {
    return {
      message: `The $ref ${quoted} is not a valid URI reference`,
      hint: "Use a relative path, an $id or #/json/pointer",
    };
  }
  const hash = url.hash;
  url.hash = "";
  let resource = registry.get(url.href);
  if (resource === undefined && site.base !== file.uri) {
    const fallback = new URL(site.ref, file.uri);
    fallback.hash = "";
    resource = registry.get(fallback.href);
  }
  if (resource === undefined) {
    return {
      message: `The $ref ${quoted} names a schema that was not found`,
      hint: `Check the path (relative to this file) or the $id; only files under the schema folder are loaded${baseLessHint(file)}`,
    };
  }
  let fragment: string;
  try {
    fragment = decodeURIComponent(hash.slice(1));
  } catch {
    return { message: `The $ref ${quoted} has a badly escaped fragment`, hint: "Escape '%' as %25" };
  }
  let target: RefTarget;
  if (fragment === "" || fragment.startsWith("/")) {
    target = { file: resource.file, pointer: `${resource.pointer}${fragment}` };
  } else {
    const anchored = registry.get(`${url.href}#${fragment}`);
    if (anchored === undefined) {
      return {
        message: `The $ref ${quoted} names the anchor "${fragment}", which is not declared`,
        hint: 'Declare it with "$anchor", or use a JSON pointer such as #/$defs/Name',
      };
    }
    target = anchored;
  }
  if (!scans.get(target.file)?.schemaPointers.has(target.pointer)) {
    return {
      message: `The $ref ${quoted} points at ${target.pointer || "the root"} of ${target.file.file}, which is not a schema there`,
      hint: "Point at a schema, e.g. #/$defs/Name; escape '/' in names as ~1 and '~' as ~0",
    };
  }
  return { target };
}

/**
 * For a file whose root `$id` is relative while ids resolve against file URLs: the config switch
 * that puts such ids in ajv's base-less id space, which is what they were usually written for.
 */
function baseLessHint(file: SchemaFile): string {
  const root = file.parsed.value;
  const id = typeof root === "object" && root !== null ? (root as Record<string, unknown>).$id : undefined;
  if (file.idBase !== file.uri || typeof id !== "string" || id === "" || !isRelativeReference(id)) return "";
  return `. This file's $id ${JSON.stringify(id)} is relative: if the ids were written for a base-less id space (as ajv resolves them), set "idBase": "none" in postbus.config.json`;
}
