/**
 * Bundles each validators entry point with esbuild, as ESM and CommonJS. Ajv's standalone code still
 * require()s its runtime helpers and formats; bundling inlines them, so no Ajv is loaded at run time.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "./contracts.ts";

const packageDir = path.join(repoRoot, "packages/validators");

async function main(): Promise<void> {
  const generated = path.join(packageDir, "generated");
  const entryPoints = (await readdir(generated))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.join(generated, f));
  await rm(path.join(packageDir, "dist/esm"), { recursive: true, force: true });
  await rm(path.join(packageDir, "dist/cjs"), { recursive: true, force: true });
  const common = {
    entryPoints,
    bundle: true,
    platform: "neutral" as const,
    mainFields: ["module", "main"],
    target: "es2022",
    logLevel: "warning" as const,
    legalComments: "none" as const,
  };
  await build({ ...common, format: "esm", outdir: path.join(packageDir, "dist/esm") });
  await build({ ...common, format: "cjs", outdir: path.join(packageDir, "dist/cjs"), outExtension: { ".js": ".cjs" } });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
