/** Bundles each generated entry point as ESM and CommonJS into dist/esm and dist/cjs. */
import { fileURLToPath } from "node:url";
import { bundleGenerated } from "@webhook-contracts/contracts/esbuild-package";

await bundleGenerated(fileURLToPath(new URL("..", import.meta.url)));
