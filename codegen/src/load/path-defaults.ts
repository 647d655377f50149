/** What a schema file's path says about its event when `x-postbus` does not. */
export interface PathDefaults {
  /** First folder under the schema folder, or the event type's first `.`-segment for files at the top. */
  readonly domain: string;
  /** The file name without its extension and version suffix. */
  readonly eventType: string;
  /** From a `.v<N>` suffix; 1 without one. */
  readonly version: number;
}

const EXTENSION = /\.(json|ya?ml)$/i;
const VERSION_SUFFIX = /\.v([1-9][0-9]*)$/;

/**
 * Derives domain, event type and version from a path relative to the schema folder:
 * `<domain>/<event.type>[.v<N>].json`.
 *
 * @example
 * ```ts
 * pathDefaults("signals/signal.triggered.v2.json"); // { domain: "signals", eventType: "signal.triggered", version: 2 }
 * ```
 */
export function pathDefaults(relativeToSchemas: string): PathDefaults {
  const segments = relativeToSchemas.split("/");
  const fileName = segments.at(-1) ?? relativeToSchemas;
  const stem = fileName.replace(EXTENSION, "");
  const versioned = VERSION_SUFFIX.exec(stem);
  const eventType = versioned === null ? stem : stem.slice(0, versioned.index);
  const version = versioned?.[1] === undefined ? 1 : Number(versioned[1]);
  const domain = segments.length > 1 ? (segments[0] ?? "") : (eventType.split(/[._:-]/)[0] ?? eventType);
  return { domain, eventType, version };
}

/** The file name without folders, extension and version suffix: `shared/money.v2.yaml` → `money`. */
export function fileStem(file: string): string {
  const name = file.split("/").at(-1) ?? file;
  return name.replace(EXTENSION, "").replace(VERSION_SUFFIX, "");
}
