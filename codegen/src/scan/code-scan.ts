/**
 * What `postbus scan` found in an application's TypeScript: per event type, the calls of a typed
 * Postbus client that publish it and those that consume it. Plain data, sorted, JSON as is.
 */

/** Where a call is: its file relative to the scan's root (`/`-separated), 1-based line and column. */
export interface CallSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The typed client's methods the scan reads. */
export type ScannedMethod = "publish" | "publishMany" | "request" | "respond" | "subscribe" | "drain";

/** A call that publishes an event type: `publish`, `publishMany`, a `request`, or a responder's reply. */
export interface ProducerSite extends CallSite {
  readonly method: "publish" | "publishMany" | "request" | "respond";
  /** The `producer` option of the client that publishes, when the scan can follow it to a literal. */
  readonly slice: string | undefined;
  /** `name` of the nearest `package.json` above the file. */
  readonly package: string | undefined;
}

/** A call that consumes an event type: a group's `subscribe`/`drain`, a responder, or a requester waiting for its reply. */
export interface ConsumerSite extends CallSite {
  readonly method: "subscribe" | "drain" | "respond" | "request";
  /**
   * The consumer group: the `group` literal, or a responder's default `<requestType>.responders`;
   * `undefined` for a requester (it waits for its reply without a group) or a group that is not a literal.
   */
  readonly group: string | undefined;
  /** The `producer` option of the client that consumes, when the scan can follow it to a literal. */
  readonly slice: string | undefined;
  /** `name` of the nearest `package.json` above the file. */
  readonly package: string | undefined;
}

/** One event type as the code uses it. */
export interface EventUsage {
  readonly eventType: string;
  /** Sorted by file, line, column. */
  readonly producers: readonly ProducerSite[];
  /** Sorted by file, line, column. */
  readonly consumers: readonly ConsumerSite[];
}

/**
 * A typed call whose event type, channels or group is not a literal the type checker can name:
 * the scan cannot tell what it publishes or consumes. `candidates` holds the literal types the
 * argument may take when its type is a union of them (empty otherwise).
 */
export interface DynamicCall extends CallSite {
  readonly method: ScannedMethod;
  /** Which argument: `eventType`, `items`, `channels`, `eventTypes`, `requestType` or `group`. */
  readonly argument: string;
  /** The argument's source text, shortened to 80 characters. */
  readonly text: string;
  readonly candidates: readonly string[];
}

/** The scan of one application. */
export interface CodeScan {
  /** How many source files were read. */
  readonly files: number;
  /** How many calls of a typed Postbus client were found. */
  readonly calls: number;
  /** Sorted by event type. */
  readonly events: readonly EventUsage[];
  /** Sorted by file, line, column. */
  readonly dynamic: readonly DynamicCall[];
}
