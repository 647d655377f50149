/**
 * The generator's intermediate representation: what the loader and validator
 * produce and every emitter consumes. Readonly and `kind`-discriminated;
 * emitters switch on `kind` exhaustively. Nothing here touches the disk.
 *
 * Schema files → load (positions) → validate (diagnostics) → ContractModel → emitters → GeneratedFile[]
 */

import type { CompatibilityMode } from "./compatibility-modes.js";

/** Where something came from: file (relative to the config's root, `/`-separated), JSON pointer, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly pointer: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A JSON Schema after loading, in one dialect (2020-12 keywords; draft-07 input is converted:
 * `definitions` → `$defs`, array-form `items` → `prefixItems` + `items`, `dependencies` split into `dependentRequired` + `dependentSchemas`),
 * with every `$ref` rewritten to `#/$defs/<Name>` where `<Name>` is the `name` of a
 * {@link SchemaDefinition} of the model (cross-file, `$id` and local refs alike).
 * `x-postbus` is removed; `title`, `description`, `examples`, `default`, `deprecated` are kept.
 */
export type NormalizedSchema = boolean | { readonly [keyword: string]: unknown };

/** A named, reusable schema: a shared definition file, a `$defs` entry, or any other `$ref` target. */
export interface SchemaDefinition {
  readonly kind: "definition";
  /** Unique PascalCase name across the model, e.g. `Money`, `OrderSide`. Stable across runs. */
  readonly name: string;
  readonly schema: NormalizedSchema;
  readonly description: string | undefined;
  readonly source: SourceLocation;
}

/** Facts about an event, from the `x-postbus` block or derived from the file's path. */
export interface EventContract {
  readonly kind: "event";
  /** e.g. `signal.triggered` (allow-listed like every Postbus event type, ≤ 50 bytes). */
  readonly eventType: string;
  /** Contract version, ≥ 1. */
  readonly version: number;
  /** Channel it is published on; defaults to the event type. */
  readonly channel: string;
  /** PascalCase TypeScript name of the payload type, e.g. `SignalTriggered` (plus `V2`… for older/newer versions). */
  readonly typeName: string;
  /** The slice or domain that owns it, e.g. `signals` (from `x-postbus.domain` or the folder). */
  readonly domain: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
  /** Services or slices that publish it. */
  readonly producers: readonly string[];
  /** Services or slices that consume it. */
  readonly consumers: readonly string[];
  /** Teams or people who own the contract (`x-postbus.owners`), as written; empty when none are declared. */
  readonly owners: readonly string[];
  /** Deprecated, with the reason when one is given. */
  readonly deprecated: false | { readonly reason: string | undefined };
  /** Example payloads (from `examples`), each valid against `schema`. */
  readonly examples: readonly unknown[];
  /** For request events (request-response): the event type of the reply. */
  readonly responseType: string | undefined;
  /**
   * For request events: the event type of the typed error reply (`x-postbus.errorResponse`), set
   * only together with {@link responseType} and different from it.
   */
  readonly errorResponseType: string | undefined;
  /** `x-postbus.compatibility`: the mode `postbus check` applies to changes of this contract; `undefined` for the config's default. */
  readonly compatibility: CompatibilityMode | undefined;
  /** `x-postbus.renamedFrom`: the event types this event was called before (its stored events keep those names). */
  readonly renamedFrom: readonly string[];
  /** `x-postbus.partitionKey`: the payload field whose value is the event's key, if any. */
  readonly partitionKey?: string | undefined;
  /** The payload schema (the event's `data`). */
  readonly schema: NormalizedSchema;
  readonly source: SourceLocation;
}

/** Everything the emitters need. Events sorted by (eventType, version), definitions by name. */
export interface ContractModel {
  readonly kind: "model";
  readonly events: readonly EventContract[];
  readonly definitions: readonly SchemaDefinition[];
  /** Typed upcasters found next to the contracts (`upcasters/<event type>.v<A>-to-v<B>.ts`), checked; sorted by event type, then `from`. */
  readonly upcasters?: readonly UpcasterStep[];
}

/**
 * One upcaster: an exported TypeScript function turning the payload of `eventType` version `from`
 * into version `to`, its parameter and return types exactly the two versions' generated types.
 */
export interface UpcasterStep {
  readonly kind: "upcaster";
  readonly eventType: string;
  readonly from: number;
  readonly to: number;
  /** The exported function's name. */
  readonly functionName: string;
  /** The upcaster's file (relative to the config's root) and the function's line. */
  readonly source: SourceLocation;
  /** The module as the types package holds it: its import of the types package points at `../types.js`. */
  readonly packageText: string;
}

/** One file an emitter wants written; the core never writes it. */
export interface GeneratedFile {
  /** Path relative to the config's root, `/`-separated. */
  readonly path: string;
  readonly contents: string;
}

/** One problem found while loading or validating schemas. */
export interface Diagnostic {
  /** Stable code, e.g. `POSTBUS_SCHEMA_UNKNOWN_KEY`. */
  readonly code: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
  readonly location: SourceLocation;
  /** `"info"`: reported, never blocks generation (an ignored annotation keyword). Absent: an error. */
  readonly severity?: "info";
}
