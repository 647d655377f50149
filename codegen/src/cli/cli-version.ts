import { createRequire } from "node:module";

/**
 * The version of `@postbus/codegen`, read from its own `package.json` (the package refers to itself
 * through its `exports`, so this works from the sources, the bundled binary and an installed copy).
 *
 * @example
 * ```ts
 * cliVersion(); // "0.1.0"
 * ```
 */
export function cliVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)("@postbus/codegen/package.json");
  const version = (manifest as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}
