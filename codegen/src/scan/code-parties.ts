import type { CodeParties, EventParties } from "../ir/code-parties.js";
import { compareText } from "../ir/diagnostic.js";
import type { ContractModel } from "../ir/model.js";
import type { CodeScan } from "./code-scan.js";
import { consumerNames, partyName, producerNames } from "./party-names.js";

/**
 * The scan as the catalog takes it: per event type, the names of its producers and consumers in
 * the code — the declared name a call matches (its slice, group or package), else its own most
 * specific name — so the catalog can merge them with the declarations and mark each one's origin.
 *
 * @example
 * ```ts
 * emitCatalog(model, config, codeParties(scan, model));
 * ```
 */
export function codeParties(scan: CodeScan, model: ContractModel): CodeParties {
  const declared = new Map<string, { producers: Set<string>; consumers: Set<string> }>();
  for (const event of model.events) {
    const sides = declared.get(event.eventType) ?? { producers: new Set(), consumers: new Set() };
    for (const name of event.producers) sides.producers.add(name);
    for (const name of event.consumers) sides.consumers.add(name);
    declared.set(event.eventType, sides);
  }
  const parties = new Map<string, EventParties>();
  for (const event of scan.events) {
    const sides = declared.get(event.eventType);
    const names = (lists: readonly (readonly string[])[], known: ReadonlySet<string> | undefined) =>
      [...new Set(lists.map((list) => partyName(list, known ?? new Set())))].sort(compareText);
    parties.set(event.eventType, {
      producers: names(event.producers.map(producerNames), sides?.producers),
      consumers: names(event.consumers.map(consumerNames), sides?.consumers),
    });
  }
  return parties;
}
