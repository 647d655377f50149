import type { ResolvedConfig } from "../config/config.js";

/**
 * `<types.dir>/` relative to the config's root, `/`-separated and `/`-terminated
 * (empty when the package is the root itself).
 *
 * @example
 * ```ts
 * packageFolder(config); // "packages/types/"
 * ```
 */
export function packageFolder(config: ResolvedConfig): string {
  const dir = config.types.dir.replaceAll("\\", "/").replace(/\/+$/, "");
  return dir === "." || dir === "" ? "" : `${dir}/`;
}
