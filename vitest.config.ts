import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "contracts/test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // Type-checking the consumer workspace and spawning the CLI take a few seconds each.
    testTimeout: 60_000,
    // Hooks remove copies of the repository and stop servers: seconds, more with two files at a time.
    hookTimeout: 60_000,
    // Two files at a time on CI's two cores: most tests wait on a browser, a database or a child process
    // (vitest's default would be one, cores - 1).
    maxWorkers: 2,
    globalSetup: ["tests/support/temp-root.ts"],
  },
});
