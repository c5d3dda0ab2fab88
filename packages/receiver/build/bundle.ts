/**
 * Bundles the receiver's entry points into dist/, beside its configuration schema. The core and the fetch adapter are bundled for a neutral
 * platform: a test bundles them for the browser to prove they need no Node built-in.
 */
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleEntries } from "@webhook-contracts/contracts/esbuild-package";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
await bundleEntries(packageDir, {
  entries: {
    index: "src/index.ts",
    node: "src/adapters/node.ts",
    fastify: "src/adapters/fastify.ts",
    sqlite: "src/stores/sqlite.ts",
    "sqlite-thread": "src/stores/sqlite-thread.ts",
    postgres: "src/stores/postgres.ts",
    config: "src/config.ts",
    json: "src/core/json.ts",
  },
  platform: "neutral",
});
// The configuration schema build/generate.ts wrote, published as @webhook-contracts/receiver/config.schema.json.
await copyFile(path.join(packageDir, "src/generated/config.schema.json"), path.join(packageDir, "dist/config.schema.json"));
