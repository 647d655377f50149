/**
 * The base-less id space of `idBase: "none"`, as ajv has it: a relative `$id` such as
 * `common/money.json` is an id of its own, not a path next to the file that declares it. URIs
 * of that space are URLs below {@link BASELESS_ROOT}, so `$ref`s resolve by the usual rules
 * (`../common/money.json` from `orders/created.json` is `common/money.json`), and
 * {@link displayUri} takes the root off again for messages.
 */

/** The root of the base-less id space; never written out. */
export const BASELESS_ROOT = "https://base-less.postbus.invalid/";

/** A URI as a person wrote it: one in the base-less id space without its root. */
export function displayUri(uri: string): string {
  return uri.startsWith(BASELESS_ROOT) ? uri.slice(BASELESS_ROOT.length) : uri;
}

/** Whether an `$id` or `$ref` is a relative reference (no scheme). */
export function isRelativeReference(reference: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(reference);
}
