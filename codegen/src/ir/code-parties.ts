/**
 * Per event type, the producers and consumers an application's code names, as `postbus scan`
 * found them (`scan/code-parties.ts`): what the catalog merges with the contracts' declarations
 * when the config lists `sources`. Names are those the declarations use where a call matches one.
 *
 * @example
 * ```ts
 * const parties: CodeParties = new Map([["order.placed", { producers: ["orders"], consumers: ["fills"] }]]);
 * ```
 */
export type CodeParties = ReadonlyMap<string, EventParties>;

/** The producers and consumers of one event type in the code, sorted. */
export interface EventParties {
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

/** Where a producer or consumer listed by the catalog is known from: its contract, the code, or both. */
export type PartyOrigin = "declared" | "code" | "both";
