/**
 * Compatibility modes, as Confluent Schema Registry names them. A mode says which
 * readers must keep working when an event's contract changes:
 *
 * - `BACKWARD` (the default): a consumer on the new contract reads every event written
 *   under the old one — required because the log is replayed.
 * - `FORWARD`: a consumer still on the old contract reads events written under the new one.
 * - `FULL`: both.
 * - `…_TRANSITIVE`: the same against every earlier contract of the event (older version
 *   files, and the contract at each commit of the history), not only the one compared against.
 * - `NONE`: no check.
 */
export const COMPATIBILITY_MODES = [
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
  "NONE",
] as const;

/** One of {@link COMPATIBILITY_MODES}. */
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

/** The mode when neither the contract nor the config names one. */
export const DEFAULT_COMPATIBILITY: CompatibilityMode = "BACKWARD";

/** Whether `value` names a mode. */
export function isCompatibilityMode(value: unknown): value is CompatibilityMode {
  return typeof value === "string" && (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

/** The directions a mode checks: `backward` (old ⊆ new), `forward` (new ⊆ old). */
export function directionsOf(mode: CompatibilityMode): readonly ("backward" | "forward")[] {
  if (mode === "NONE") return [];
  if (mode.startsWith("BACKWARD")) return ["backward"];
  if (mode.startsWith("FORWARD")) return ["forward"];
  return ["backward", "forward"];
}

/** Whether a mode checks against every earlier contract. */
export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith("_TRANSITIVE");
}
