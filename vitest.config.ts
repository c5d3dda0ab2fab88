import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "contracts/test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // Type-checking the consumer workspace and spawning the CLI take a few seconds each.
    testTimeout: 60_000,
    globalSetup: ["tests/support/temp-root.ts"],
  },
});
