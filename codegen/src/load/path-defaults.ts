/** What a schema file's path says about its event when `x-postbus` does not. */
export interface PathDefaults {
  /** First folder under the schema folder, or the event type's first `.`-segment for files at the top. */
  readonly domain: string;
  /** The file name without its extension, `.schema` and version suffixes. */
  readonly eventType: string;
  /** From a `.v<N>` suffix; 1 without one. */
  readonly version: number;
}

const EXTENSION = /\.(json|ya?ml)$/i;
const SCHEMA_SUFFIX = /\.schema$/i;
const VERSION_SUFFIX = /\.v([1-9][0-9]*)$/;

/**
 * Derives domain, event type and version from a path relative to the schema folder:
 * `<domain>/<event.type>[.v<N>][.schema].json`.
 *
 * @example
 * ```ts
 * pathDefaults("signals/signal.triggered.v2.json"); // { domain: "signals", eventType: "signal.triggered", version: 2 }
 * ```
 */
export function pathDefaults(relativeToSchemas: string): PathDefaults {
  const segments = relativeToSchemas.split("/");
  const { stem: eventType, version } = splitFileName(segments.at(-1) ?? relativeToSchemas);
  const domain = segments.length > 1 ? (segments[0] ?? "") : (eventType.split(/[._:-]/)[0] ?? eventType);
  return { domain, eventType, version };
}

/**
 * A file name's stem and version: `created.v2.schema.json` → `{ stem: "created", version: 2 }`.
 * The extension (`.json`, `.yaml`, `.yml`) and a `.schema` suffix go first, then a `.v<N>` suffix.
 */
export function splitFileName(name: string): { stem: string; version: number } {
  const bare = name.replace(EXTENSION, "").replace(SCHEMA_SUFFIX, "");
  const versioned = VERSION_SUFFIX.exec(bare);
  return {
    stem: versioned === null ? bare : bare.slice(0, versioned.index),
    version: versioned?.[1] === undefined ? 1 : Number(versioned[1]),
  };
}

/** The file name without folders, extension, `.schema` and version suffix: `shared/money.v2.yaml` → `money`. */
export function fileStem(file: string): string {
  return splitFileName(file.split("/").at(-1) ?? file).stem;
}
