/**
 * Bundles the receiver's entry points with esbuild into dist/ (ESM, code shared between entry points in
 * chunks, dependencies left as imports). The core and the fetch adapter are bundled for a neutral
 * platform: a test bundles them for the browser to prove they need no Node built-in.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const entries = { index: "src/index.ts", node: "src/adapters/node.ts", fastify: "src/adapters/fastify.ts", sqlite: "src/stores/sqlite.ts", "sqlite-thread": "src/stores/sqlite-thread.ts", postgres: "src/stores/postgres.ts", config: "src/config.ts" };
await rm(path.join(packageDir, "dist"), { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
await build({
  absWorkingDir: packageDir,
  entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  external: ["node:*"],
  logLevel: "warning",
});
