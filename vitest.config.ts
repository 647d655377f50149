import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  resolve: {
    // Test the workspace packages from source: no build step before `vitest`.
    alias: [
      { find: /^@postbus\/client$/, replacement: fromRoot("./packages/client/src/index.ts") },
      {
        find: /^@postbus\/client\/opentelemetry$/,
        replacement: fromRoot("./packages/client/src/opentelemetry.ts"),
      },
      { find: /^@postbus\/types$/, replacement: fromRoot("./packages/types/src/index.ts") },
      { find: /^@postbus\/codegen$/, replacement: fromRoot("./codegen/src/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Starts an embedded PostgreSQL unless DATABASE_URL is set; see the file.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
