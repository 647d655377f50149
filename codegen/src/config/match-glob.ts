/**
 * Matches a `/`-separated relative path against a glob: `**` any number of
 * folders, `*` any characters but `/`, `?` one character but `/`. A pattern
 * ending in `/**` also matches everything below that folder.
 *
 * @example
 * ```ts
 * matchGlob("schemas/shared/**", "schemas/shared/money/amount.json"); // true
 * matchGlob("schemas/*.json", "schemas/a/b.json"); // false
 * ```
 */
export function matchGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  let source = "";
  const normalized = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  for (let index = 0; index < normalized.length; index++) {
    const char = normalized[index] ?? "";
    if (char === "*" && normalized[index + 1] === "*") {
      const slash = normalized[index + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      index += slash ? 2 : 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  const regExp = new RegExp(`^${source}$`);
  compiled.set(pattern, regExp);
  return regExp;
}
