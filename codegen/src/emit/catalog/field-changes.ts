/**
 * The fields table of one version against the one before it: rows matched by path, a row only in
 * the newer version is added, only in the older one removed, in both with another type,
 * required flag or constraints changed. Descriptions are not compared.
 */
import type { FieldRow, TypePart } from "./schema-fields.js";

/** A field in both versions whose type, required flag or constraints differ. */
export interface ChangedField {
  readonly path: string;
  readonly before: FieldRow;
  readonly after: FieldRow;
}

/** The differences between two fields tables, each list in schema order. */
export interface FieldChanges {
  /** Rows only in the newer version, in its order. */
  readonly added: readonly FieldRow[];
  /** Rows only in the older version, in its order. */
  readonly removed: readonly FieldRow[];
  /** Rows in both that differ, in the newer version's order. */
  readonly changed: readonly ChangedField[];
}

/**
 * Compares the field rows of an older version (`before`) with a newer one (`after`).
 *
 * @example
 * ```ts
 * const { added, removed, changed } = fieldChanges(fieldRows(v1.schema), fieldRows(v2.schema));
 * added.map((row) => row.path); // ["orderType", "timeInForce", "placedAt"]
 * ```
 */
export function fieldChanges(before: readonly FieldRow[], after: readonly FieldRow[]): FieldChanges {
  const older = new Map(before.map((row) => [row.path, row]));
  const newer = new Set(after.map((row) => row.path));
  const changed: ChangedField[] = [];
  const added: FieldRow[] = [];
  for (const row of after) {
    const previous = older.get(row.path);
    if (previous === undefined) added.push(row);
    else if (shape(previous) !== shape(row)) changed.push({ path: row.path, before: previous, after: row });
  }
  return { added, removed: before.filter((row) => !newer.has(row.path)), changed };
}

/** Whether there is nothing to list. */
export function noFieldChanges(changes: FieldChanges): boolean {
  return changes.added.length === 0 && changes.removed.length === 0 && changes.changed.length === 0;
}

/** The compared parts of a row as one text. */
function shape(row: FieldRow): string {
  return JSON.stringify([typeText(row.type), row.required, row.constraints]);
}

/** A row's type as plain text, a definition by its name: `array of Price`. */
export function typeText(parts: readonly TypePart[]): string {
  return parts.map((part) => (part.kind === "ref" ? part.name : part.text)).join("");
}
