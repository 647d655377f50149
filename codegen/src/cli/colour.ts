/**
 * Colour is for a person at a terminal: only on a TTY, never when `NO_COLOR` is set
 * (https://no-color.org: any non-empty value), never on a `TERM=dumb` terminal. Whatever is piped,
 * redirected or read by a test is plain text.
 */

/** The colour decision for each of the two streams a command writes. */
export interface ColourChoice {
  readonly out: boolean;
  readonly err: boolean;
}

/** What {@link shouldColour} needs of a stream: `process.stdout` and `process.stderr` have it. */
export interface TerminalLike {
  readonly isTTY?: boolean | undefined;
  hasColors?(): boolean;
}

/**
 * Whether to colour what goes to `stream`: it is a TTY that has colours, `NO_COLOR` is unset or
 * empty, and `TERM` is not `dumb`.
 *
 * @example
 * ```ts
 * shouldColour(process.stdout, process.env); // false when piped or under NO_COLOR=1
 * ```
 */
export function shouldColour(stream: TerminalLike, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true && (stream.hasColors?.() ?? true);
}

/** The styles the CLI uses: each wraps text in an SGR sequence when `enabled`, else returns it unchanged. */
export function paint(enabled: boolean) {
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), cyan: sgr(36, 39), yellow: sgr(33, 39) };
}

/** Removes the SGR sequences {@link paint} writes (what commander calls when colour is off). */
export function stripColour(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched.
  return text.replace(/\u001b\[\d+(;\d+)*m/g, "");
}
