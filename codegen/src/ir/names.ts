/**
 * PascalCase identifier from a name: `signal.triggered` → `SignalTriggered`,
 * `order_side` → `OrderSide`, `moneyAmount` → `MoneyAmount`. A leading digit gets a `T` prefix.
 */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  const joined = words.map((word) => (word[0] ?? "").toUpperCase() + word.slice(1)).join("");
  if (joined === "") return "T";
  return /^[0-9]/.test(joined) ? `T${joined}` : joined;
}

/**
 * The payload type name of an event: the latest version gets the plain name,
 * others a `V<N>` suffix (`signal.triggered` v1 of 2 → `SignalTriggeredV1`).
 */
export function eventTypeName(eventType: string, version: number, latestVersion: number): string {
  const base = pascalCase(eventType);
  return version === latestVersion ? base : `${base}V${version}`;
}

/**
 * Names the types package exports besides the contracts' own (the registry's types); a definition
 * never takes one of them.
 */
export const RESERVED_NAMES: readonly string[] = [
  "Channel",
  "Contracts",
  "EventMap",
  "EventType",
  "JsonSchemaDocument",
];

/** What the emitters export per contract name: the type, its zod schema, its JSON Schema. */
const DERIVED_SUFFIXES = ["", "Schema", "JsonSchema"];

/** Marks `name` and the names derived from it (`<name>Schema`, `<name>JsonSchema`) as taken. */
export function takeName(name: string, taken: Set<string>): void {
  for (const suffix of DERIVED_SUFFIXES) taken.add(`${name}${suffix}`);
}

const isFree = (name: string, taken: ReadonlySet<string>): boolean =>
  DERIVED_SUFFIXES.every((suffix) => !taken.has(`${name}${suffix}`));

/**
 * Picks the first free name of `candidates`, else the last one with 2, 3, … appended; marks it taken.
 * A name is free when neither it nor a name derived from it (see {@link takeName}) is taken, so
 * `Money` and `MoneySchema` never both export `MoneySchema`.
 */
export function claimName(candidates: readonly string[], taken: Set<string>): string {
  for (const candidate of candidates) {
    if (isFree(candidate, taken)) {
      takeName(candidate, taken);
      return candidate;
    }
  }
  const last = candidates.at(-1) ?? "T";
  for (let suffix = 2; ; suffix++) {
    const candidate = `${last}${suffix}`;
    if (isFree(candidate, taken)) {
      takeName(candidate, taken);
      return candidate;
    }
  }
}
