/**
 * The one esbuild wrapper every package's build uses (each package's build/bundle.ts says what it bundles).
 *   - `bundleGenerated`: each entry point of a generated package (generated/*.ts) as ESM and CommonJS, so
 *     that CommonJS users are served too. For the validators this also inlines the runtime helpers and
 *     formats that Ajv's standalone code require()s: no Ajv is loaded at run time.
 *   - `bundleEntries`: hand-written entry points as ESM, code shared between them in chunks, dependencies
 *     left as imports (the receiver, the CLI).
 */
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

export async function bundleGenerated(packageDir: string): Promise<void> {
  const generated = path.join(packageDir, "generated");
  // Nested entry points keep their path: generated/ivy/event-api.ts is dist/esm/ivy/event-api.js.
  const entryPoints = (await readdir(generated, { recursive: true }))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => path.join(generated, f));
  await rm(path.join(packageDir, "dist/esm"), { recursive: true, force: true });
  await rm(path.join(packageDir, "dist/cjs"), { recursive: true, force: true });
  const common = {
    entryPoints,
    outbase: generated,
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
  await writeCjsDeclarations(path.join(packageDir, "dist/types"));
}

/** A declaration file's text for CommonJS: its relative imports name `.cjs` files, so they resolve to `.d.cts`. */
export function cjsDeclaration(text: string): string {
  return text.replace(/((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.js(["'])/g, "$1$2.cjs$3");
}

/**
 * Beside each `.d.ts` under `dir`, a `.d.cts`: the types a `require` of the package resolves to. With the
 * package's `"type": "module"`, `.d.ts` files describe ES modules, and TypeScript would tell CommonJS users
 * that they cannot require them (arethetypeswrong: "masquerading as ESM").
 */
export async function writeCjsDeclarations(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith(".d.ts")) continue;
    const file = path.join(dir, entry);
    await writeFile(file.replace(/\.d\.ts$/, ".d.cts"), cjsDeclaration(await readFile(file, "utf8")));
  }
}

export interface EntriesOptions {
  /** Output name → source file, relative to the package. */
  entries: Record<string, string>;
  /** "neutral": no Node built-in may be needed (but `node:*` imports stay imports). */
  platform: "node" | "neutral";
}

export async function bundleEntries(packageDir: string, { entries, platform }: EntriesOptions): Promise<void> {
  await rm(path.join(packageDir, "dist"), { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  await build({
    absWorkingDir: packageDir,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    outdir: "dist",
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    platform,
    target: platform === "node" ? "node20" : "es2022",
    packages: "external",
    ...(platform === "neutral" ? { external: ["node:*"] } : {}),
    logLevel: "warning",
  });
}
