import type { ConsumerOptions } from "../peers/transport.js";

/** Runner → consumer process. */
export type ConsumerRequest =
  | {
      readonly type: "start";
      readonly id: number;
      readonly transport: string;
      readonly databaseUrl: string;
      readonly options: ConsumerOptions;
    }
  | {
      readonly type: "collect";
      readonly id: number;
      /** Messages each group must receive (seq 0…expected-1), or one count per group. */
      readonly expected: number | readonly number[];
      /** Give up this long after the last message arrived. */
      readonly idleMs: number;
      /** Give up after this long in any case. */
      readonly maxMs: number;
    }
  | { readonly type: "exit"; readonly id: number };

/** Delivery accounting of one group. */
export interface GroupDelivery {
  readonly received: number;
  readonly unique: number;
  readonly duplicates: number;
  /** seq values below `expected` never received. */
  readonly missing: number;
  /** A few missing seq values, for the report. */
  readonly missingSample: readonly number[];
}

/** Consumer process → runner. */
export type ConsumerReply =
  | { readonly type: "ready"; readonly id: number; readonly openedAt: number }
  | {
      readonly type: "result";
      readonly id: number;
      /** Receive time − scheduled send time, ms, group 0, in arrival order. */
      readonly latencies: readonly number[];
      /** The same per group. */
      readonly groupLatencies: readonly (readonly number[])[];
      readonly groups: readonly GroupDelivery[];
      readonly openedAt: number;
      readonly firstAt: number;
      readonly lastAt: number;
    }
  | { readonly type: "error"; readonly id: number; readonly message: string };
