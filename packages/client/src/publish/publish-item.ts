import type { EventOptions } from "./prepare-event.js";

/** One item of `publishMany`. */
export interface PublishItem extends EventOptions {
  readonly type: string;
  readonly data: unknown;
}
