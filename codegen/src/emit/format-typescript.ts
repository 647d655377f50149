import { format } from "prettier";

/** Prettier options matching the repository's Biome formatter, so generated files pass `biome check`. */
const PRETTIER_OPTIONS = {
  parser: "typescript",
  printWidth: 110,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
} as const;

/**
 * Formats a generated TypeScript module. Uses only the options above (no
 * `.prettierrc` lookup), so the output does not depend on the machine.
 */
export function formatTypeScript(source: string): Promise<string> {
  return format(source, PRETTIER_OPTIONS);
}
