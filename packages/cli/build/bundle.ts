/**
 * Bundles the CLI with esbuild into dist/ (ESM; each command a chunk loaded when it runs, so that
 * `validate` loads no store, no server and no logger; dependencies left as imports).
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
await rm(path.join(packageDir, "dist"), { recursive: true, force: true });
await build({
  absWorkingDir: packageDir,
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
