/**
 * Bundles the CLI into dist/ (ESM; each command a chunk loaded when it runs, so that `validate` loads no
 * store, no server and no logger).
 */
import { fileURLToPath } from "node:url";
import { bundleEntries } from "@webhook-contracts/contracts/esbuild-package";

await bundleEntries(fileURLToPath(new URL("..", import.meta.url)), { entries: { cli: "src/cli.ts" }, platform: "node" });
