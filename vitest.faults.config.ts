/**
 * The fault-injection suite, `pnpm test:faults` (not part of `npm test`): every file starts its own
 * PostgreSQL, which it restarts, freezes and partitions, so the files run one at a time.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ["test/faults/**/*.faults.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    reporters: ["default"],
  },
});
