import type { ConsumerSite, ProducerSite } from "./code-scan.js";

/**
 * The names a producer call answers to, most specific first: the client's slice (its
 * `producer` option), then the file's package. A declared producer matches a call when it is
 * one of them.
 */
export function producerNames(site: ProducerSite): string[] {
  return [site.slice, site.package].filter((name) => name !== undefined);
}

/** The names a consumer call answers to: the client's slice, the consumer group, the file's package. */
export function consumerNames(site: ConsumerSite): string[] {
  return [site.slice, site.group, site.package].filter((name) => name !== undefined);
}

/**
 * The one name a call is listed under: the declared name it matches, else its most specific
 * name, else `(unnamed)`.
 *
 * @example
 * ```ts
 * partyName(["orders", "@shop/app"], new Set(["@shop/app"])); // "@shop/app"
 * partyName(["orders", "@shop/app"], new Set()); // "orders"
 * ```
 */
export function partyName(names: readonly string[], declared: ReadonlySet<string>): string {
  return names.find((name) => declared.has(name)) ?? names[0] ?? "(unnamed)";
}
