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

/** Picks the first free name of `candidates`, else the last one with 2, 3, … appended; marks it taken. */
export function claimName(candidates: readonly string[], taken: Set<string>): string {
  for (const candidate of candidates) {
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
  const last = candidates.at(-1) ?? "T";
  for (let suffix = 2; ; suffix++) {
    const candidate = `${last}${suffix}`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}
