/**
 * Bundles the receiver's entry points into dist/. The core and the fetch adapter are bundled for a neutral
 * platform: a test bundles them for the browser to prove they need no Node built-in.
 */
import { fileURLToPath } from "node:url";
import { bundleEntries } from "@webhook-contracts/contracts/esbuild-package";

await bundleEntries(fileURLToPath(new URL("..", import.meta.url)), {
  entries: {
    index: "src/index.ts",
    node: "src/adapters/node.ts",
    fastify: "src/adapters/fastify.ts",
    sqlite: "src/stores/sqlite.ts",
    "sqlite-thread": "src/stores/sqlite-thread.ts",
    postgres: "src/stores/postgres.ts",
    config: "src/config.ts",
  },
  platform: "neutral",
});
