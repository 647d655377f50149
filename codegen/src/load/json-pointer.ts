/** JSON pointers (RFC 6901): `""` is the whole document, `/a~1b/0` is key `a/b`, then index 0. */

/** Escapes one key for use as a pointer segment (`~` → `~0`, `/` → `~1`). */
export function escapeSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Appends segments to a pointer: `appendPointer("/properties", "a/b")` → `/properties/a~1b`. */
export function appendPointer(pointer: string, ...segments: readonly (string | number)[]): string {
  return segments.reduce<string>((result, segment) => `${result}/${escapeSegment(segment)}`, pointer);
}

/** Splits a pointer into unescaped segments; `undefined` when it is not a pointer (no leading `/`). */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The value at `pointer` inside `document`, or `undefined` when there is none. */
export function valueAt(document: unknown, pointer: string): unknown {
  const segments = parsePointer(pointer);
  if (segments === undefined) return undefined;
  let current: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** The pointer one level up (`/a/b` → `/a`); `""` stays `""`. */
export function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
