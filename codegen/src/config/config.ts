import type { CompatibilityMode } from "../ir/compatibility-modes.js";

/**
 * `postbus.config.json` at a project's root, as written and as resolved.
 *
 * ```json
 * {
 *   "schemas": "schemas",
 *   "definitions": ["schemas/shared/**"],
 *   "packages": { "types": { "dir": "packages/types", "name": "@postbus/types" } },
 *   "docs": "docs/catalog"
 * }
 * ```
 */
export interface PostbusConfigFile {
  /** Folder of schema files (`*.json`, `*.yaml`, `*.yml`), relative to the config file. Default `schemas`. */
  readonly schemas?: string;
  /** Globs (relative to the config file) of files that only hold shared definitions, not events. */
  readonly definitions?: readonly string[];
  /** Generated packages. */
  readonly packages?: {
    /** The types package: TypeScript types, zod validators, JSON Schemas, the registry. Default `packages/types`, `@postbus/types`. */
    readonly types?: {
      readonly dir?: string;
      readonly name?: string;
      /**
       * Its semver version. Leave it out to keep the version in `<dir>/package.json` (what
       * `changeset version` bumps); `0.1.0` when there is none yet.
       */
      readonly version?: string;
      /** `description` of its package.json. */
      readonly description?: string;
      /** `license` of its package.json (an SPDX expression). */
      readonly license?: string;
    };
  };
  /** Folder of the generated event catalog. Default `docs/catalog`. */
  readonly docs?: string;
  /** The compatibility mode `postbus check` applies to contracts that name none (`x-postbus.compatibility`). Default `BACKWARD`. */
  readonly compatibility?: CompatibilityMode;
  /**
   * What a keyword no supported dialect defines does: `"annotation"` (the default, as the JSON Schema
   * specification says: it is ignored, with an info diagnostic) or `"error"` (refused).
   */
  readonly unknownKeywords?: UnknownKeywords;
  /** Vendor annotation keywords the schemas use (e.g. `"javaType"`): ignored without a diagnostic. */
  readonly annotations?: readonly string[];
  /**
   * The application's TypeScript, relative to the config file: tsconfig files (`"tsconfig.json"`)
   * or globs (`"src/**\/*.ts"`). When set, `postbus scan` reads them without arguments, and
   * `generate`/`docs` take the catalog's producers and consumers from the code too.
   */
  readonly sources?: readonly string[];
  /**
   * How an event file's event type is derived when its `x-postbus.eventType` does not say:
   * from its path (the default, `{ "from": "path", "pattern": "<file-stem>" }`), from its `$id`
   * (the same pattern applied to the id's path), or from a root field such as `title`.
   *
   * ```json
   * { "eventType": { "from": "path", "pattern": "<folder>.<file-stem>" } }
   * ```
   * `orders/created.schema.json` → `orders.created`.
   */
  readonly eventType?: EventTypeRule;
  /**
   * What a relative `$id` is resolved against: `"file"` (the default: the file's own URL, as the
   * specification's retrieval URI) or `"none"` (ajv's base-less id space: `common/money.json` is
   * that id, wherever the file lies, and `$ref`s resolve against such ids).
   */
  readonly idBase?: IdBase;
  /**
   * Whether `format` is checked, per dialect. draft-07 schemas always check it (ajv's behaviour, and
   * what the JSON-Schema-Test-Suite's draft-07 format tests expect). In 2020-12, `format` belongs to the
   * format-annotation vocabulary, which the specification makes an annotation: `"annotation"` follows it
   * (not checked, an info diagnostic per use), `"assertion"` (the default, as ajv) checks it. A 2020-12
   * schema whose metaschema declares the format-assertion vocabulary has it checked either way.
   *
   * ```json
   * { "format": { "2020-12": "annotation" } }
   * ```
   */
  readonly format?: { readonly "2020-12"?: FormatMode };
}

/** What `format` does in a dialect: checked (`"assertion"`) or only described (`"annotation"`). */
export type FormatMode = "assertion" | "annotation";

/** `format` per dialect, resolved; see {@link PostbusConfigFile.format}. draft-07 always asserts. */
export interface FormatModes {
  readonly "2020-12": FormatMode;
}

/**
 * Where event types come from (see {@link PostbusConfigFile.eventType}). A pattern's placeholders:
 * `<file-stem>` (the file name without extension, `.schema` and `.v<N>` suffixes), `<folder>` (the
 * folder holding the file) and `<folders>` (every folder below the schema folder, or of the `$id`'s
 * path, joined with `.`).
 */
export type EventTypeRule =
  | { readonly from: "path"; readonly pattern?: string }
  | { readonly from: "id"; readonly pattern?: string }
  | { readonly from: "field"; readonly field: string };

/** What a relative `$id` resolves against; see {@link PostbusConfigFile.idBase}. */
export type IdBase = "file" | "none";

/** How keywords that no supported dialect defines are treated; see {@link PostbusConfigFile.unknownKeywords}. */
export type UnknownKeywords = "annotation" | "error";

/** The config with defaults applied and paths made absolute. */
export interface ResolvedConfig {
  /** Absolute folder holding the config file; every relative path starts here. */
  readonly root: string;
  /** Absolute schema folder. */
  readonly schemasDir: string;
  /** Definition-only globs, relative to `root`. */
  readonly definitions: readonly string[];
  /** The generated package: folder relative to `root`, npm name, version and package.json texts. */
  readonly types: {
    readonly dir: string;
    readonly name: string;
    /** The config's `version`, else the one in `<dir>/package.json`, else `0.1.0`. */
    readonly version: string;
    readonly description: string | undefined;
    readonly license: string | undefined;
  };
  /** Docs folder, relative to `root`. */
  readonly docs: string;
  /** The default compatibility mode of `postbus check`. */
  readonly compatibility: CompatibilityMode;
  /** Unknown keywords: annotations (info diagnostic) or errors. */
  readonly unknownKeywords: UnknownKeywords;
  /** Vendor annotation keywords ignored silently. */
  readonly annotations: readonly string[];
  /** tsconfig files and globs of the application's TypeScript, relative to `root`; empty when not scanned. */
  readonly sources: readonly string[];
  /** How event types are derived when `x-postbus.eventType` does not say (a pattern always set, except for `field`). */
  readonly eventType: EventTypeRule;
  /** What relative `$id`s resolve against. */
  readonly idBase: IdBase;
  /** Whether a 2020-12 `format` (format-annotation vocabulary) is checked. */
  readonly format: FormatModes;
}
