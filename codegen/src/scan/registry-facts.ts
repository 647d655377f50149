import type { Node, Type } from "ts-morph";

/** What the scan needs of one registry entry: its channel and, for a request, its reply types. */
export interface RegistryEntryFacts {
  readonly eventType: string;
  readonly channel: string | undefined;
  readonly responseType: string | undefined;
  readonly errorResponseType: string | undefined;
}

/**
 * The contract registry a typed client was created with, read from its type (`contracts` of
 * `TypedPostbus<Contracts>`): event type → channel and reply types, as the generated registry
 * declares them with literal types. Empty when the type does not say.
 *
 * @example
 * ```ts
 * registryFacts(receiver).get("risk.check.requested")?.responseType; // "risk.check.completed"
 * ```
 */
export function registryFacts(receiver: Node): ReadonlyMap<string, RegistryEntryFacts> {
  const facts = new Map<string, RegistryEntryFacts>();
  const contracts = receiver.getType().getProperty("contracts")?.getTypeAtLocation(receiver);
  for (const entry of contracts?.getProperties() ?? []) {
    const type = entry.getTypeAtLocation(receiver);
    const text = (name: string) => literalOf(type.getProperty(name)?.getTypeAtLocation(receiver));
    facts.set(entry.getName(), {
      eventType: entry.getName(),
      channel: text("channel"),
      responseType: text("responseType"),
      errorResponseType: text("errorResponseType"),
    });
  }
  return facts;
}

function literalOf(type: Type | undefined): string | undefined {
  return type?.isStringLiteral() ? String(type.getLiteralValue()) : undefined;
}
