import type { Diagnostic, SourceLocation } from "./model.js";

/**
 * Stable codes of schema and config problems. A code never changes meaning once released.
 */
export type DiagnosticCode =
  | "POSTBUS_SCHEMA_CONFIG"
  | "POSTBUS_SCHEMA_PARSE"
  | "POSTBUS_SCHEMA_UNKNOWN_KEY"
  | "POSTBUS_SCHEMA_BAD_FIELD"
  | "POSTBUS_SCHEMA_BAD_DIALECT"
  | "POSTBUS_SCHEMA_DUPLICATE_EVENT"
  | "POSTBUS_SCHEMA_BAD_CHANNEL"
  | "POSTBUS_SCHEMA_BAD_EVENT_TYPE"
  | "POSTBUS_SCHEMA_BAD_NAME"
  | "POSTBUS_SCHEMA_BAD_RESPONSE"
  | "POSTBUS_SCHEMA_NAME_CLASH"
  | "POSTBUS_SCHEMA_UNRESOLVED_REF"
  | "POSTBUS_SCHEMA_CYCLIC_REF"
  | "POSTBUS_SCHEMA_UNSUPPORTED_KEYWORD"
  | "POSTBUS_SCHEMA_IGNORED_KEYWORD"
  | "POSTBUS_SCHEMA_BAD_KEYWORD"
  | "POSTBUS_SCHEMA_BAD_EXAMPLE"
  | "POSTBUS_PACKAGE_BUILD"
  | "POSTBUS_UPCASTER_FILE"
  | "POSTBUS_UPCASTER_SIGNATURE"
  | "POSTBUS_UPCASTER_TYPE_ERROR"
  | "POSTBUS_UPCASTER_CHAIN"
  | "POSTBUS_SCAN_SOURCES"
  | "POSTBUS_SCAN_UNRESOLVED";

/** Builds a {@link Diagnostic}. */
export function diagnostic(
  code: DiagnosticCode,
  message: string,
  hint: string,
  location: SourceLocation,
): Diagnostic {
  return { code, message, hint, location };
}

/** Builds an info {@link Diagnostic}: reported, never blocking generation. */
export function infoDiagnostic(
  code: DiagnosticCode,
  message: string,
  hint: string,
  location: SourceLocation,
): Diagnostic {
  return { code, message, hint, location, severity: "info" };
}

/** Whether a diagnostic blocks generation (every one but an info). */
export const isError = (d: Diagnostic): boolean => d.severity !== "info";

/** Sorts diagnostics by file, line, column, code (stable and deterministic). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}

/** `file:line:column: CODE message (hint)`, as the CLI prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, column, pointer } = d.location;
  const where = pointer === "" ? "" : ` at ${pointer}`;
  const level = d.severity === "info" ? "info " : "";
  return `${file}:${line}:${column}: ${level}${d.code} ${d.message}${where} (${d.hint})`;
}

/** Code-unit order, independent of the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
