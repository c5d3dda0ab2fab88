/**
 * Bundles each entry point of a generated package (packages/<name>/generated/*.ts) with esbuild, as ESM
 * and CommonJS, so that CommonJS users are served too. For the validators this also inlines the runtime
 * helpers and formats that Ajv's standalone code require()s: no Ajv is loaded at run time.
 *   tsx scripts/src/bundle-package.ts <package directory>
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { isEntryPoint } from "./entry-point.ts";

async function main(packageDir: string): Promise<void> {
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
    // A fresh process parses this code before its first validation: the less of it, the sooner it is
    // ready (Ivy's 21 validators: 7 ms of compile time at 330 KB). Readable sources are in the repo.
    minify: true,
  };
  await build({ ...common, format: "esm", outdir: path.join(packageDir, "dist/esm") });
  await build({ ...common, format: "cjs", outdir: path.join(packageDir, "dist/cjs"), outExtension: { ".js": ".cjs" } });
}

if (isEntryPoint(import.meta.url)) await main(path.resolve(process.argv[2] ?? "."));
